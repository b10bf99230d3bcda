import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it, vi } from "vitest";
import { COMMANDS } from "../../src/commands/index.js";
import { nonCamelKeys, schemaDir, schemaName, validatorFor, violations } from "./schemas.js";

/** The contract covers every command: a schema each, a section each in docs/json.md, and the schemas compile cleanly. */

const doc = readFileSync(new URL("../../docs/json.md", import.meta.url), "utf8");

describe("the --json contract covers every command", () => {
  it("each command has its schema, and every schema is a command's (or the shared one)", () => {
    const files = readdirSync(schemaDir).filter((name) => name.endsWith(".schema.json")).map((name) => name.replace(/\.schema\.json$/, ""));
    const names = COMMANDS.map((command) => schemaName(command.path));
    expect([...files].sort()).toEqual([...names, "common"].sort());
  });

  it("every schema compiles under Ajv's strict mode, with no warning", () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    const log = vi.spyOn(console, "log").mockImplementation(() => undefined);
    try {
      for (const command of COMMANDS) validatorFor(schemaName(command.path));
      expect([...warn.mock.calls, ...log.mock.calls]).toEqual([]);
    } finally {
      warn.mockRestore();
      log.mockRestore();
    }
  });

  it("docs/json.md has a section for each command, naming its schema", () => {
    for (const command of COMMANDS) {
      const name = schemaName(command.path);
      expect(doc, command.path.join(" ")).toContain(`### \`racknet ${command.path.join(" ")}\``);
      expect(doc, command.path.join(" ")).toContain(`schemas/json/${name}.schema.json`);
    }
  });

  it("the error object is the same for every command, and refuses prose it does not define", () => {
    const error = { error: { code: "refused", exitCode: 1, message: "rack \"nosuch\" not found in us-east-1", fix: "run `racknet racks` to list racks" } };
    for (const command of COMMANDS) expect(violations(schemaName(command.path), error), command.path.join(" ")).toBe("");
    expect(violations("rack", { error: { ...error.error, hint: "a field of its own" } })).not.toBe("");
  });

  it("the casing check finds what is not camelCase, and leaves data keys alone", () => {
    expect(nonCamelKeys({ rack: "p", parameters: { internal_router: "true" }, outbound_ips: [], nested: [{ Bad: 1 }] })).toEqual([".outbound_ips", ".nested[0].Bad"]);
  });
});
