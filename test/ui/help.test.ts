import { describe, expect, it } from "vitest";
import { buildProgram } from "../../src/cli.js";
import { COMMANDS } from "../../src/commands/index.js";

/** `racknet --help` is where a newcomer finds the commands: every one, nested ones too. */

function helpAt80(path: string[]): string {
  let command = buildProgram(async () => undefined);
  for (const name of path) command = command.commands.find((sub) => sub.name() === name) ?? command;
  command.configureOutput({ getOutHelpWidth: () => 80 });
  return command.helpInformation();
}

describe("racknet --help", () => {
  it("lists every command by its whole path, with its summary", () => {
    const help = helpAt80([]);
    const listing = help.slice(help.indexOf("Commands:"));
    for (const declaration of COMMANDS) {
      const path = declaration.path.join(" ");
      const firstWords = declaration.summary.split(" ").slice(0, 3).join(" ");
      expect(listing, path).toMatch(new RegExp(`^  ${path.replace(/[|]/g, "\\|")}(?: [<[][^\\n]*?)?  +${firstWords.replace(/[().?*+[\]\\]/g, "\\$&")}`, "m"));
    }
    for (const nested of ["rack install <name> [params...]", "rack params set <params...>", "rack uninstall <name>", "env set [assignments...]", "apps delete <app>", "manifest check"]) {
      expect(listing).toMatch(new RegExp(`^  ${nested.replace(/[.[\]]/g, "\\$&")}  `, "m"));
    }
  });

  it("a group's help lists its subcommands by the same whole paths", () => {
    const listing = helpAt80(["rack"]);
    expect(listing).toMatch(/^ {2}rack install <name> \[params\.\.\.\] {2}create a rack/m);
    expect(listing).toMatch(/^ {2}rack uninstall <name> {2}/m);
  });
});
