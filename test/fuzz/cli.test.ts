import fc from "fast-check";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { hasStackTrace, runCli, type CliResult } from "../support/cli.js";
import { fuzzOptions } from "./budget.js";
import { mutated } from "./manifest-arbitraries.js";


/**
 * The whole CLI, fuzzed a little: the built racknet (`npm run build` first) on seeded random
 * command lines of its offline commands, with no AWS reachable. Whatever the command line,
 * racknet exits 0, 1 or 2, never shows a stack trace, explains every failure on stderr, and
 * gives JSON on stdout when asked.
 */

const root = join(import.meta.dirname, "..", "..");
const fixtures = [
  ...["good", "bad"].flatMap((kind) => readdirSync(join(root, "test/fixtures/manifests", kind)).map((file) => join(root, "test/fixtures/manifests", kind, file))),
  ...readdirSync(join(root, "test/fixtures/apps")).map((file) => join(root, "test/fixtures/apps", file)),
];
const goodTexts = ["good/every-kind.yml", "good/environment-forms.yml", "good/port-forms.yml"].map((file) => readFileSync(join(root, "test/fixtures/manifests", file), "utf8"));
const dir = mkdtempSync(join(tmpdir(), "racknet-fuzz-cli-"));

/** Fake credentials and an endpoint nothing listens on: an accidental AWS call fails at once. */
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

const name = fc.oneof(fc.constantFrom("shop", "prod", "a", "Bad_Name", "", "x".repeat(40), "-r"), fc.string({ maxLength: 6 }));
const assignment = fc.oneof(fc.constantFrom("Private=Yes", "Internal=yes", "InternalOnly=Yes", "internal_router=TRUE", "VPCCIDR=10.1.0.0/20", "internal_router_cidrs=10.1.0.0/16,10.2.0.0/16", "Domain=Apps.Example.com.", "Privat=Yes", "=", "Domain=-x", "VPCCIDR=10.0.0.0/8", "Private"), fc.string({ maxLength: 10 }));
const manifestFile = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...fixtures) },
  { weight: 3, arbitrary: mutated(goodTexts).map((text) => ({ text })) },
  { weight: 1, arbitrary: fc.constantFrom("/nonexistent/convox.yml", dir, "") },
);
const optional = <T>(arbitrary: fc.Arbitrary<T[]>) => fc.oneof(fc.constant([] as T[]), arbitrary);
const extras = fc.tuple(optional(fc.constant(["--json"])), optional(name.map((app) => ["-a", app])), optional(name.map((rack) => ["-r", rack])), optional(fc.constantFrom(["--debug"], ["--no-color"], ["--bogus"], ["-x"])));

type Argv = (string | { text: string })[];

const manifestCheck: fc.Arbitrary<Argv> = fc.tuple(manifestFile, optional(fc.array(assignment, { maxLength: 3 }).map((list) => ["--rack-params", list.join(",")])), extras).map(([file, params, more]) => ["manifest", "check", "-f", file, ...params, ...more.flat()]);
const rackTemplate: fc.Arbitrary<Argv> = fc.tuple(fc.array(assignment, { maxLength: 4 }), extras).map(([list, more]) => ["rack", "template", ...list, ...more.flat()]);
const usage: fc.Arbitrary<Argv> = fc.constantFrom(
  [],
  ["manifest"],
  ["manifest", "check", "-f"],
  ["manifest", "check", "extra"],
  ["manifest", "lint"],
  ["rack", "install"],
  ["rack", "params", "set"],
  ["rack", "uninstall"],
  ["deploy", "--file"],
  ["--region"],
  ["--bogus"],
  ["rack", "template", "--frobnicate"],
  ["manifest", "check", "--rack-params"],
  ["deploy", "-a", "shop", "--yes", "--dry-run", "--nope"],
  ["--help"],
  ["rack", "--help"],
  ["-v"],
  ["help", "manifest"],
);
const argv = fc.oneof({ weight: 4, arbitrary: manifestCheck }, { weight: 3, arbitrary: rackTemplate }, { weight: 2, arbitrary: usage });

/** Writes generated manifests to files; the rest of the argv is passed as generated. */
function materialise(args: Argv, index: number): string[] {
  return args.map((arg) => {
    if (typeof arg === "string") return arg;
    const file = join(dir, `convox ${index}.yml`);
    writeFileSync(file, arg.text);
    return file;
  });
}

function problemsWith(args: readonly string[], result: CliResult): string[] {
  const output = `${result.stdout}\n${result.stderr}`;
  const problems: string[] = [];
  if (result.code === null || ![0, 1, 2].includes(result.code)) problems.push(`exit ${String(result.code ?? result.signal)}`);
  if (hasStackTrace(output)) problems.push("a stack trace");
  if (result.code !== 0 && result.stderr.trim() === "") problems.push("a failure with nothing on stderr");
  const help = args.some((arg) => ["--help", "-v", "help"].includes(arg));
  if (args.includes("--json") && result.code === 0 && !help) {
    try {
      JSON.parse(result.stdout);
    } catch {
      problems.push("--json without JSON on stdout");
    }
  }
  return problems;
}

describe("fuzzing the racknet command line (offline commands, no AWS reachable)", () => {
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("exits 0, 1 or 2, explains failures on stderr, never shows a stack trace, keeps --json clean", async () => {
    const { seed, numRuns } = fuzzOptions(25);
    const cases = fc.sample(argv, { seed, numRuns }).map(materialise);
    const failures: string[] = [];
    const queue = [...cases];
    const worker = async () => {
      for (let args = queue.shift(); args; args = queue.shift()) {
        const result = await runCli(args, { env, cwd: dir });
        const problems = problemsWith(args, result);
        if (problems.length > 0) failures.push(`racknet ${JSON.stringify(args)}: ${problems.join(", ")} (exit ${String(result.code)})\n${result.stderr.slice(0, 600)}`);
      }
    };
    await Promise.all([worker(), worker(), worker(), worker()]);
    expect(failures, `seed ${seed}`).toEqual([]);
  });
});
