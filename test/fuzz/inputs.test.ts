import fc from "fast-check";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { UsageError, UserError } from "../../src/errors/index.js";
import { loadManifest } from "../../src/files/manifest.js";
import { assertEndpointSettings, shownUrl } from "../../src/aws/endpoint.js";
import { parseJournal, progressLines } from "../../src/safety/journal.js";
import { lockIsLive, parseLock } from "../../src/safety/lock.js";
import { hasStackTrace, runCli } from "../support/cli.js";
import { fuzzOptions } from "./budget.js";

/**
 * Every file and flag racknet reads, fed random bytes, huge values and odd encodings (seeded:
 * FC_SEED, FC_RUNS): the manifest file, AWS_ENDPOINT_URL, the lock and journal records it
 * reads back from Parameter Store (a person may edit them), and the flags of the commands
 * that reach AWS. Nothing throws anything but a user error, and nothing echoes a secret
 * planted in the input. Issue 14, "Input checks".
 */
const dir = mkdtempSync(join(tmpdir(), "racknet-fuzz-inputs-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const PLANTED = "pl4nted-s3cret-value-91c2";

/** A manifest's bytes: random, or a valid-looking manifest in an odd encoding, with a secret inside. */
const manifestBytes: fc.Arbitrary<Buffer> = fc.oneof(
  fc.uint8Array({ maxLength: 2048 }).map((bytes) => Buffer.concat([Buffer.from(bytes), Buffer.from(`\nX=${PLANTED}\n`)])),
  fc.constantFrom("utf16le", "utf16be", "utf8bom", "latin1", "nul").chain((encoding) =>
    fc.string({ maxLength: 40 }).map((noise) => encode(`services:\n  web:\n    image: nginx\n    environment:\n      - TOKEN=${PLANTED}${noise}\n`, encoding)),
  ),
  fc.constantFrom(
    Buffer.from(`TOKEN=${PLANTED}\nDATABASE_URL=postgres://u:${PLANTED}@db/x\n`),
    Buffer.from(`services: ${PLANTED}\n`),
    Buffer.from(`services:\n  web:\n    environment:\n      - BIG=${"x".repeat(1_100_000)}${PLANTED}\n`),
    Buffer.from(`${"a: [".repeat(2000)}${PLANTED}`),
    Buffer.from(`services:\n  web:\n    image: "ngi\u0000nx"\n    environment: ["K=${PLANTED}"]\n`),
  ),
);

function encode(text: string, encoding: string): Buffer {
  switch (encoding) {
    case "utf16le":
      return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, "utf16le")]);
    case "utf16be": {
      const le = Buffer.from(text, "utf16le");
      return Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(le.map((_, index) => le[index ^ 1] ?? 0))]);
    }
    case "utf8bom":
      return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]);
    case "latin1":
      return Buffer.from(`${text}# caf\u00e9\n`, "latin1");
    default:
      return Buffer.from(text.replace(/\n/g, "\u0000\n"));
  }
}

function textOf(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const problems = (error as { problems?: Array<{ message: string; fix?: string; where?: string; path?: string }> }).problems ?? [];
  return [error.message, (error as UserError).fix ?? "", ...problems.flatMap((problem) => [problem.message, problem.fix ?? "", problem.where ?? "", problem.path ?? ""])].join("\n");
}

describe("fuzzing the files racknet reads", () => {
  it("a manifest of random bytes, odd encodings or huge values: a manifest or a user error, never the planted secret", async () => {
    const { seed, numRuns } = fuzzOptions(15);
    let index = 0;
    await fc.assert(
      fc.asyncProperty(manifestBytes, async (bytes) => {
        index += 1;
        const file = join(dir, `convox-${index}.yml`);
        writeFileSync(file, bytes);
        const outcome = await loadManifest(file).then(
          () => undefined,
          (error: unknown) => error,
        );
        if (outcome === undefined) return;
        expect(outcome).toBeInstanceOf(UserError);
        expect(textOf(outcome)).not.toContain(PLANTED);
      }),
      { seed, numRuns },
    );
  });

  it("the lock and journal records read back from Parameter Store: random text is no record, never a crash", () => {
    const { seed, numRuns } = fuzzOptions(75);
    const recordish = fc.oneof(
      fc.string({ maxLength: 200 }),
      fc.json({ maxDepth: 3 }),
      fc.record({ v: fc.constantFrom(1, 2, "1"), operation: fc.oneof(fc.string(), fc.integer()), key: fc.string(), command: fc.string(), startedAt: fc.string(), updatedAt: fc.string(), steps: fc.oneof(fc.array(fc.anything(), { maxLength: 4 }), fc.string()), heartbeatAt: fc.string(), owner: fc.anything() }).map((value) => JSON.stringify(value)),
    );
    fc.assert(
      fc.property(recordish, (text) => {
        const journal = parseJournal(text);
        if (journal) for (const line of progressLines(journal)) expect(typeof line).toBe("string");
        const lock = parseLock(text);
        expect(typeof lockIsLive(lock, Date.now())).toBe("boolean");
      }),
      { seed, numRuns },
    );
  });
});

describe("fuzzing the settings racknet reads", () => {
  it("AWS_ENDPOINT_URL of any text: accepted as an http(s) URL or a usage error that shows it safely", () => {
    const { seed, numRuns } = fuzzOptions(125);
    const value = fc.oneof(fc.string({ maxLength: 300 }), fc.webUrl(), fc.constantFrom("http://u:p4ss@h:1", "https://[::1]:5000", "http://\u0000x", `http://${"a".repeat(500)}`, "HTTP://MOTO:5000", "moto:5000"));
    fc.assert(
      fc.property(value, (url) => {
        try {
          assertEndpointSettings({ AWS_ENDPOINT_URL: url, AWS_ENDPOINT_URL_S3: url });
        } catch (error) {
          expect(error).toBeInstanceOf(UsageError);
        }
        const shown = shownUrl(url);
        expect(shown.length).toBeLessThanOrEqual(80);
        expect(shown).not.toMatch(/[\u0000-\u001f]/);
        expect(shown).not.toContain("p4ss");
      }),
      { seed, numRuns },
    );
  });
});

describe("fuzzing the flags of the commands that reach AWS (built CLI, nothing listening)", () => {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: dir,
    AWS_ENDPOINT_URL: "http://127.0.0.1:9",
    AWS_REGION: "us-east-1",
    AWS_ACCESS_KEY_ID: "AKIAFUZZFUZZFUZZFUZZ",
    AWS_SECRET_ACCESS_KEY: "fuzz-secret-access-key",
    AWS_CONFIG_FILE: "/nonexistent/racknet-fuzz-aws-config",
    AWS_SHARED_CREDENTIALS_FILE: "/nonexistent/racknet-fuzz-aws-credentials",
    AWS_EC2_METADATA_DISABLED: "true",
    NO_COLOR: "1",
  };
  const odd = fc.oneof(
    fc.constantFrom("", "-", "--", "prod", "a/b", "secapp/env/INJ", "My App", "UPPER", "x".repeat(300), "caf\u00e9", "a\u0000b", "\u202eevil", "../../etc/passwd", "1e309", "-1", "NaN", "🙂"),
    fc.string({ maxLength: 12 }),
    fc.constant("v".repeat(100_000)),
  );
  const command = fc.oneof(
    odd.map((rack) => ["rack", "-r", rack]),
    fc.tuple(odd, odd).map(([rack, assignment]) => ["rack", "params", "set", assignment, "-r", rack, "--yes"]),
    odd.map((name) => ["rack", "uninstall", name, "--yes"]),
    fc.tuple(odd, odd).map(([app, rack]) => ["apps", "delete", app, "-r", rack, "--dry-run"]),
    fc.tuple(odd, odd).map(([since, app]) => ["logs", "--since", since, "-a", app, "-r", "prod"]),
    fc.tuple(odd, odd).map(([value, app]) => ["env", "set", `KEY=${value}`, "-a", app, "-r", "prod", "--yes"]),
    fc.tuple(odd, odd).map(([file, app]) => ["deploy", "-f", file, "-a", app, "-r", "prod", "--dry-run"]),
    fc.tuple(odd, odd).map(([rack, endpoint]) => ["racks", "--region", rack, ...(endpoint ? [] : ["--json"])]),
  );

  it("exits 1 or 2 (no AWS), explains the failure, never a stack trace", async () => {
    const { seed, numRuns } = fuzzOptions(8);
    const cases = fc.sample(fc.tuple(command, odd), { seed, numRuns });
    const failures: string[] = [];
    const queue = [...cases];
    const worker = async () => {
      for (let item = queue.shift(); item; item = queue.shift()) {
        // An argv or environment value cannot hold a NUL byte (the OS ends the string there).
        const args = item[0].map((arg) => arg.replace(/\u0000/g, ""));
        const rackEnv = item[1];
        const result = await runCli(args, { env: { ...env, RACKNET_RACK: rackEnv.replace(/\u0000/g, "") }, cwd: dir });
        const output = `${result.stdout}\n${result.stderr}`;
        const problems: string[] = [];
        if (result.code === null || ![0, 1, 2].includes(result.code)) problems.push(`exit ${String(result.code ?? result.signal)}`);
        if (hasStackTrace(output)) problems.push("a stack trace");
        if (result.code !== 0 && result.stderr.trim() === "") problems.push("a failure with nothing on stderr");
        if (problems.length > 0) failures.push(`racknet ${JSON.stringify(args.map((arg) => arg.slice(0, 40)))}: ${problems.join(", ")}\n${result.stderr.slice(0, 400)}`);
      }
    };
    await Promise.all([worker(), worker(), worker()]);
    expect(failures, `seed ${seed}`).toEqual([]);
  });
});
