import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ValidationErrors } from "../../src/errors/index.js";
import { loadManifest } from "../../src/files/manifest.js";
import { parseManifest } from "../../src/manifest/index.js";
import { mayHoldMergeKey } from "../../src/manifest/yaml-compat.js";

/** Files that are not a manifest get one short message, and nothing in them is echoed (issue 14, "Nothing echoed"). */

const SECRETS = ["s3cr3t-api-key", "hunter2-db", "tok3n"];
const dir = mkdtempSync(join(tmpdir(), "racknet-input-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function expectNothingEchoed(text: string): ReturnType<typeof parseManifest> {
  const parsed = parseManifest(text, "convox.yml");
  expect(parsed.manifest).toBeUndefined();
  const shown = JSON.stringify([parsed.problems, parsed.warnings]);
  for (const secret of SECRETS) expect(shown, `problems show ${secret}`).not.toContain(secret);
  return parsed;
}

describe("a file that is not a manifest", () => {
  it("a .env file: says it looks like one, shows none of its lines", () => {
    const { problems } = expectNothingEchoed(`API_KEY=${SECRETS[0]}\nDB_PASSWORD=${SECRETS[1]}\n`);
    expect(problems.map((problem) => problem.message)).toEqual(["convox.yml is lines of NAME=value, like a .env file, not a manifest (a map with a services: key)"]);
  });

  it("a .env file with exports, quotes and comments", () => {
    expectNothingEchoed(`# keys\nexport API_KEY="${SECRETS[0]}"\nDB_PASSWORD='${SECRETS[1]}: yes'\nTOKEN=${SECRETS[2]} # inline\n`);
  });

  it("a binary file", () => {
    const { problems } = expectNothingEchoed(`\u0000\u0001${SECRETS[0]}\u0002services:\u0000`);
    expect(problems.map((problem) => problem.message)).toEqual(["convox.yml is not UTF-8 text (it holds binary data or bytes of another encoding)"]);
  });

  it("a UTF-16 file, as Node reads it as UTF-8, with or without its byte-order mark", () => {
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`services:\n  web:\n    environment: [KEY=${SECRETS[0]}]\n`, "utf16le")]);
    for (const bytes of [utf16, utf16.subarray(2)]) {
      const { problems } = expectNothingEchoed(bytes.toString("utf8"));
      expect(problems.map((problem) => problem.message)).toEqual(["convox.yml is UTF-16 text; convox.yml must be UTF-8"]);
    }
  });

  it("loadManifest refuses a UTF-16 file on disk the same way", async () => {
    const file = join(dir, "utf16.yml");
    writeFileSync(file, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`services:\n  web:\n    image: ${SECRETS[0]}\n`, "utf16le")]));
    const error = (await loadManifest(file).catch((caught: unknown) => caught)) as ValidationErrors;
    expect(error).toBeInstanceOf(ValidationErrors);
    expect(JSON.stringify(error.problems)).not.toContain(SECRETS[0]);
  });

  it("services: written as one value", () => {
    const { problems } = expectNothingEchoed(`services: API_KEY=${SECRETS[0]}\n`);
    expect(problems).toEqual([expect.objectContaining({ where: "convox.yml:1:1", path: "services", message: "services must be a map of service names to services, and here it is a single value" })]);
  });

  it("a whole document as one scalar", () => {
    expectNothingEchoed(`"${SECRETS[0]} ${SECRETS[1]}"\n`);
  });

  it("a long value where a short one belongs is measured, not quoted", () => {
    const long = `${SECRETS[0]}-${"x".repeat(60)}`;
    const { problems } = expectNothingEchoed(`services:\n  web:\n    image: a:1\n    port: "${long}"\n`);
    expect(problems[0]?.message).toContain(`(got text of ${long.length} characters)`);
  });

  it("a syntax error shows its place, not the line's text", () => {
    expectNothingEchoed(`services:\n  web:\n    environment: [KEY=${SECRETS[0]}, "unclosed\n`);
  });

  it("environment values in a wrong form are masked, at the top level too", () => {
    const { problems } = expectNothingEchoed(`environment: [KEY=${SECRETS[0]}, "BAD NAME=${SECRETS[1]}"]\nservices:\n  web:\n    image: a:1\n    environment: ["ALSO BAD=${SECRETS[2]}"]\n`);
    expect(problems.map((problem) => problem.message)).toEqual([expect.stringContaining('(got "BAD NAME=****")'), expect.stringContaining('(got "ALSO BAD=****")')]);
  });
});

describe("YAML as Convox reads it", () => {
  it("merges anchors with plain and quoted merge keys; reads yes/no/on/off as booleans where a boolean is wanted", () => {
    const text = `x-base: &base\n  image: example/base:1\n  environment: [LOG_LEVEL=info]\nservices:\n  web:\n    <<: *base\n    port: 3000\n    sticky: no\n  api:\n    "<<": *base\n    port: 4000\n    internal: Yes\n    image: example/api:2\n  worker:\n    <<: *base\n    init: on\n`;
    const { manifest, problems } = parseManifest(text, "convox.yml");
    expect(problems).toEqual([]);
    expect(manifest?.services.map((service) => [service.name, service.image, service.environment, service.sticky, service.internal, service.init])).toEqual([
      ["web", "example/base:1", [{ key: "LOG_LEVEL", value: "info" }], false, false, false],
      ["api", "example/api:2", [{ key: "LOG_LEVEL", value: "info" }], true, true, false],
      ["worker", "example/base:1", [{ key: "LOG_LEVEL", value: "info" }], true, false, true],
    ]);
  });

  it("a quoted merge key spelled with escapes merges too, without an anchor (a file js-yaml reads): only a file with neither << nor \\ skips the search", () => {
    for (const key of ['"\\x3c\\x3c"', '"\\u003c<"']) {
      const text = `services:\n  web:\n    ${key}: {image: example/base:1, port: 3000}\n    port: 4000\n`;
      const { manifest, problems } = parseManifest(text, "convox.yml");
      expect(problems, text).toEqual([]);
      expect(manifest?.services.map((service) => [service.name, service.image, service.port?.port])).toEqual([["web", "example/base:1", 4000]]);
    }
    expect(mayHoldMergeKey("services:\n  web:\n    image: a:1\n")).toBe(false);
  });

  it("a service with nothing gets Convox's defaults: build: .", () => {
    const { manifest, problems } = parseManifest("services:\n  web:\n", "convox.yml");
    expect(problems).toEqual([]);
    expect(manifest?.services[0]).toMatchObject({ name: "web", build: { path: ".", dockerfile: "Dockerfile", args: [] } });
    expect(manifest?.services[0]?.image).toBeUndefined();
  });

  it("yes stays text where text is wanted", () => {
    const { manifest } = parseManifest("services:\n  web:\n    image: a:1\n    environment: [FLAG=yes]\n    command: echo yes\n", "convox.yml");
    expect(manifest?.services[0]?.environment).toEqual([{ key: "FLAG", value: "yes" }]);
    expect(manifest?.services[0]?.command?.argv).toEqual(["echo", "yes"]);
  });
});
