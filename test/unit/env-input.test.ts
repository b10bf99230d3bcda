import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { UsageError, ValidationErrors } from "../../src/errors/index.js";
import { assignmentsWithValues } from "../../src/app-steps/env-input.js";

/** `env set` reads values from stdin (NAME=-) and files (--from-file NAME=PATH), off the command line. */

const dir = mkdtempSync(join(tmpdir(), "racknet-env-input-"));
const sources = (assignments: string[], fromFiles: string[] = [], stdin = "", stdinIsTerminal = false) => ({ assignments, fromFiles, readStdin: async () => stdin, stdinIsTerminal });

describe("env set's value sources", () => {
  it("NAME=- takes stdin (one trailing newline dropped); --from-file takes a file's text; the rest as typed", async () => {
    const pem = join(dir, "key.pem");
    writeFileSync(pem, "-----BEGIN KEY-----\nabc\n-----END KEY-----\n");
    expect(await assignmentsWithValues(sources(["LOG_LEVEL=debug", "API_TOKEN=-"], [`TLS_KEY=${pem}`], "tok_live_1\n"))).toEqual([
      "LOG_LEVEL=debug",
      "API_TOKEN=tok_live_1",
      "TLS_KEY=-----BEGIN KEY-----\nabc\n-----END KEY-----",
    ]);
  });

  it("stdin is read only when asked for, and once", async () => {
    let reads = 0;
    await assignmentsWithValues({ ...sources(["A=1"]), readStdin: async () => String((reads += 1)) });
    expect(reads).toBe(0);
    await expect(assignmentsWithValues(sources(["A=-", "B=-"]))).rejects.toThrow(UsageError);
  });

  it("NAME=- on a terminal is refused before anything waits for typing; a missing file is a problem naming it", async () => {
    await expect(assignmentsWithValues(sources(["A=-"], [], "", true))).rejects.toThrow(/reads the value from stdin, which is a terminal here/);
    const error = await assignmentsWithValues(sources([], ["A=/no/such/file", "nopath"])).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ValidationErrors);
    expect((error as ValidationErrors).problems.map((problem) => problem.message)).toEqual(["A: /no/such/file no such file", '"nopath" is not NAME=PATH']);
  });
});
