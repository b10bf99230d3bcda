#!/usr/bin/env node
// Writes `racknet --help` and every command's `--help`, as commander prints them at 80
// columns, into dist/help/ (help.json: command path → text), so the launcher answers them
// without loading the CLI (see bin/racknet); and sign-of-life.json, the first line of each
// command that changes AWS.
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const dist = join(dirname(fileURLToPath(import.meta.url)), "..", "dist");
const { buildProgram } = await import(join(dist, "cli.js"));
const program = buildProgram(async () => undefined);

const texts = {};
function collect(command, path) {
  command.configureOutput({ getOutHelpWidth: () => 80 });
  texts[path.join(" ")] = command.helpInformation() + helpAfter(command);
  for (const sub of command.commands) if (sub.name() !== "help") collect(sub, [...path, sub.name()]);
}

/** The text added with addHelpText("after"), which helpInformation() leaves out. */
function helpAfter(command) {
  let after = "";
  command.configureOutput({ writeOut: (text) => (after += text), getOutHelpWidth: () => 80 });
  command.emit("afterHelp", { error: false, command, write: (text) => (after += text) });
  return after;
}

collect(program, []);
mkdirSync(join(dist, "help"), { recursive: true });
writeFileSync(join(dist, "help", "help.json"), JSON.stringify(texts));

// The sign of life of each command that changes AWS (command path → line), so that in CI the
// launcher writes it before loading the CLI, which on a busy machine takes a good part of a second.
const { COMMANDS } = await import(join(dist, "commands", "index.js"));
const { signOfLifeLabel } = await import(join(dist, "runtime", "sign-of-life.js"));
const lines = Object.fromEntries(COMMANDS.filter((command) => command.changesAws).map((command) => [command.path.join(" "), signOfLifeLabel(command.path.join(" "))]));
writeFileSync(join(dist, "help", "sign-of-life.json"), JSON.stringify(lines));
