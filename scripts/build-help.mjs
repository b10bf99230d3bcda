#!/usr/bin/env node
// Writes dist/help.txt: `racknet --help` as commander prints it at 80 columns, so the
// launcher can answer --help without loading the CLI (see bin/racknet).
import { writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const dist = join(dirname(fileURLToPath(import.meta.url)), "..", "dist");
const { buildProgram } = await import(join(dist, "cli.js"));
const program = buildProgram(async () => undefined);
program.configureOutput({ getOutHelpWidth: () => 80 });
writeFileSync(join(dist, "help.txt"), program.helpInformation());
