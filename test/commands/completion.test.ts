import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Command } from "commander";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildProgram } from "../../src/cli.js";
import { COMMANDS } from "../../src/commands/index.js";
import { ExitCode, UsageError } from "../../src/errors/index.js";
import { completionScript, completionTree, completionWorkflow, type CompletionNode } from "../../src/operations/completion.js";
import { noAws } from "../support/offline.js";
import { dayContext } from "./day-fixtures.js";
import { printing } from "../support/printing.js";

const tree = completionTree(COMMANDS);
let dir: string;
let script: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "racknet-completion-"));
  script = join(dir, "racknet.bash");
  writeFileSync(script, completionScript("bash", tree));
  writeFileSync(join(dir, "convox.yml"), "services: {}\n");
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** What bash offers after typing `line` (a trailing space starts a new word), from the generated function. */
function complete(line: string): string[] {
  const words = line.split(" ");
  const quoted = words.map((word) => `'${word}'`).join(" ");
  const program = `source "$1"; COMP_WORDS=(${quoted}); COMP_CWORD=${words.length - 1}; _racknet; printf '%s\\n' "\${COMPREPLY[@]}"`;
  const output = execFileSync("bash", ["--norc", "--noprofile", "-c", program, "bash", script], { cwd: dir, encoding: "utf8" });
  return output.split("\n").filter(Boolean).sort();
}

describe("racknet completion bash: the function completes partial command lines", () => {
  it.each([
    ["racknet ra", ["rack", "racks"]],
    ["racknet rack p", ["params", "peer", "peers"]],
    ["racknet rack params s", ["set"]],
    ["racknet apps ", ["cancel", "delete", "info", "params", "wait"]],
    ["racknet releases ", ["info", "rollback"]],
    ["racknet scale web --c", ["--count", "--cpu"]],
    ["racknet ap", ["apps"]],
    ["racknet -r prod rack u", ["uninstall", "unpeer", "update"]],
    ["racknet --region eu-west-1 apps i", ["info"]],
    // An option's value is skipped even when it spells a command (an app named "rack").
    ["racknet -a rack apps i", ["info"]],
    ["racknet apps delete --d", ["--debug", "--dry-run"]],
    ["racknet deploy --require-approval ", ["any-change", "broadening", "never"]],
    ["racknet rack params set --require-approval n", ["never"]],
    ["racknet logs --s", ["--service", "--since"]],
    ["racknet deploy --f", ["--file"]],
    ["racknet ps --f", []],
    ["racknet completion ", ["bash", "fish", "zsh"]],
    ["racknet deploy -f conv", ["convox.yml"]],
    ["racknet -a ", []],
    ["racknet logs -s ", []],
  ])("%j → %j", (line, expected) => {
    expect(complete(line)).toEqual(expected);
  });

  it("racknet <tab> offers every top-level command, including the new ones", () => {
    expect(complete("racknet ")).toEqual(["apps", "build", "certs", "completion", "deploy", "env", "exec", "logs", "manifest", "private-networks-domain-names", "ps", "rack", "racks", "releases", "resources", "run", "scale", "services"]);
  });
});

/** Commander's tree, as `racknet --help` shows it: path → long flags and subcommands. */
function commanderTree(): Map<string, { flags: string[]; subcommands: string[] }> {
  const program = buildProgram(async () => undefined);
  const nodes = new Map<string, { flags: string[]; subcommands: string[] }>();
  const visit = (command: Command, path: string[], inherited: string[]) => {
    const own = command.options.map((option) => option.long ?? option.short ?? "");
    const flags = [...inherited, ...own];
    const subcommands = command.commands.map((sub) => sub.name()).filter((name) => name !== "help");
    nodes.set(path.join(" "), { flags: [...flags, "--help"], subcommands });
    for (const sub of command.commands) if (sub.name() !== "help") visit(sub, [...path, sub.name()], path.length === 0 ? own.filter((flag) => flag !== "--version") : flags);
  };
  visit(program, [], []);
  return nodes;
}

describe("the script is generated from the declarations, so it never goes stale", () => {
  it("every command path commander registers is in the completion tree, with the same subcommands and every flag", () => {
    const byPath = new Map<string, CompletionNode>(tree.map((node) => [node.path, node]));
    for (const [path, expected] of commanderTree()) {
      const node = byPath.get(path);
      expect(node, `completion for "${path}"`).toBeDefined();
      expect([...(node?.subcommands ?? [])].sort(), path).toEqual([...expected.subcommands].sort());
      expect([...new Set(node?.flags.map((flag) => flag.long))].sort(), path).toEqual([...new Set(expected.flags)].sort());
    }
    expect(tree.map((node) => node.path).sort()).toEqual([...commanderTree().keys()].sort());
  });
});

describe("racknet completion SHELL", () => {
  it("prints the bash script; zsh loads the same through bashcompinit; fish gets complete lines per path", async () => {
    const bash = dayContext();
    await printing(completionWorkflow(COMMANDS))({ ...bash.context, aws: noAws("completion") }, { shell: "bash" });
    expect(bash.stdout()).toContain("complete -F _racknet racknet");
    const zsh = dayContext();
    await printing(completionWorkflow(COMMANDS))({ ...zsh.context, aws: noAws("completion") }, { shell: "zsh" });
    expect(zsh.stdout()).toContain("autoload -U +X bashcompinit && bashcompinit");
    expect(zsh.stdout()).toContain("complete -F _racknet racknet");
    const fish = completionScript("fish", tree);
    expect(fish).toContain("complete -c racknet -n 'test (__racknet_path) = \\'apps\\'' -a 'delete'");
    expect(fish).toContain("complete -c racknet -n 'test (__racknet_path) = \\'logs\\'' -s s -l service -x");
    expect(fish).toContain("complete -c racknet -n 'test (__racknet_path) = \\'deploy\\'' -s f -l file -F -r");
  });

  it("bash accepts the script as valid syntax", () => {
    expect(() => execFileSync("bash", ["-n", script])).not.toThrow();
  });

  it("another shell is a usage error naming the three", async () => {
    const error = (await completionWorkflow(COMMANDS)(dayContext().context, { shell: "tcsh" }).catch((caught: unknown) => caught)) as UsageError;
    expect(error).toBeInstanceOf(UsageError);
    expect(error.exitCode).toBe(ExitCode.usage);
    expect(error.fix).toContain("bash, zsh, fish");
  });
});
