import { Argument, Command, CommanderError, Help, Option } from "commander";
import { COMMANDS, GROUPS } from "./commands/index.js";
import type { ArgumentSpec, CommandDeclaration, GlobalFlag } from "./commands/define.js";
import type { GlobalOptions } from "./runtime/context.js";
import { ERROR_CODES, ExitCode } from "./errors/index.js";
import { REQUIRE_APPROVAL_VALUES } from "./plan/approval.js";
import { racknetVersion } from "./version.js";
import { Flag } from "./names/flags.js";

/**
 * The command line: the global flags, and each declared command registered under its
 * path. A command's workflow is imported only when that command runs, so `racknet --help`
 * loads commander and the declarations, nothing else.
 */

type Runner = (command: CommandDeclaration, args: Record<string, unknown>, globals: GlobalOptions) => Promise<void>;

const GLOBAL_FLAG_HELP: Record<GlobalFlag, string> = {
  rack: `-r, ${Flag.rack} RACK   the rack (also RACKNET_RACK; default: the region's only rack)`,
  app: `-a, ${Flag.app} APP     the app (default: the current directory's name)`,
  json: `${Flag.json}            machine-readable output on stdout`,
};

export function buildProgram(run: Runner): Command {
  const program = new Command("racknet")
    .description("Convox-style racks with private networking on AWS; every change goes through a CloudFormation change set you see first.")
    .version(racknetVersion(), "-v, --version")
    .option(Flag.json, "machine-readable output on stdout")
    .option(Flag.noColor, "no colour (also NO_COLOR)")
    .option(Flag.debug, "log every AWS call (never credentials)")
    .option(`${Flag.profile} <profile>`, "AWS profile")
    .option(`${Flag.region} <region>`, "AWS region")
    .option(`-r, ${Flag.rack} <rack>`, "rack name (also RACKNET_RACK)")
    .option(`-a, ${Flag.app} <app>`, "app name (default: the current directory's name)")
    .showHelpAfterError("(run with --help for usage)")
    .configureHelp(EVERY_COMMAND_AT_THE_TOP)
    .exitOverride();

  const groups = new Map<string, Command>([["", program]]);
  for (const declaration of COMMANDS) {
    const parent = groups.get(declaration.path.slice(0, -1).join(" ")) ?? group(groups, declaration.path.slice(0, -1));
    const command = parent.command(declaration.path.at(-1) ?? "").description(declaration.summary).exitOverride();
    for (const spec of declaration.arguments) command.addArgument(commanderArgument(spec));
    for (const spec of Object.values(declaration.options)) {
      const added = new Option(spec.flags, spec.description);
      if (spec.repeatable) added.argParser((value: string, previous: unknown) => [...(Array.isArray(previous) ? previous : []), value]);
      else if (spec.default !== undefined && spec.default !== false) added.default(spec.default);
      command.addOption(added);
    }
    if (declaration.changesAws) {
      command
        .option(`-y, ${Flag.yes}`, "do not ask; apply the change set")
        .option(Flag.dryRun, "create the change set, show it, delete it")
        .option(Flag.exitCode, `with ${Flag.dryRun}: exit 4 when there are changes, 0 when none`)
        .option(Flag.allowDestroy, "apply a change that destroys or replaces what holds data, identity or running work")
        .addOption(new Option(`${Flag.requireApproval} <level>`, "changes that need their own approval").choices(REQUIRE_APPROVAL_VALUES).default("broadening"));
    }
    command.addHelpText("after", helpFooter(declaration));
    command.action(async (...received: unknown[]) => {
      const self = received.at(-1) as Command;
      const options = self.opts<Record<string, unknown>>();
      const args: Record<string, unknown> = {};
      declaration.arguments.forEach((spec, index) => {
        args[spec.name] = received[index] ?? (spec.shape === "variadic" || spec.shape === "some" ? [] : undefined);
      });
      for (const [key, spec] of Object.entries(declaration.options)) args[key] = options[key] ?? spec.default;
      await run(declaration, args, globalOptions(self.optsWithGlobals()));
    });
    groups.set(declaration.path.join(" "), command);
  }
  return program;
}

/**
 * `racknet --help` lists every command, nested ones too (`rack params set`, `env set`,
 * `apps delete`), each by its whole path and arguments with its summary; a group's help
 * (`racknet rack --help`) lists its subcommands the same way. Subcommands inherit this
 * setting, hence the check for the root.
 */
const EVERY_COMMAND_AT_THE_TOP: Partial<Help> = {
  visibleCommands(this: Help, command: Command): Command[] {
    const listed = Help.prototype.visibleCommands.call(this, command);
    if (command.parent) return listed;
    const every: Command[] = [];
    const visit = (parent: Command) => {
      for (const sub of parent.commands) {
        if (sub.name() === "help") continue;
        every.push(sub);
        visit(sub);
      }
    };
    visit(command);
    // commander's own `help [command]`, last as it lists it.
    return [...every, ...listed.filter((sub) => sub.name() === "help")];
  },
  subcommandTerm(this: Help, command: Command): string {
    const path: string[] = [];
    for (let at: Command | null = command; at?.parent; at = at.parent) path.unshift(at.name());
    if (path.length === 0) path.push(command.name());
    const args = command.registeredArguments.map((argument) => {
      const name = `${argument.name()}${argument.variadic ? "..." : ""}`;
      return argument.required ? `<${name}>` : `[${name}]`;
    });
    return [...path, ...args].join(" ");
  },
};

function commanderArgument(spec: ArgumentSpec): Argument {
  const text = { required: `<${spec.name}>`, optional: `[${spec.name}]`, variadic: `[${spec.name}...]`, some: `<${spec.name}...>` }[spec.shape];
  return new Argument(text, spec.description);
}

function helpFooter(declaration: CommandDeclaration): string {
  const lines = [`\nExample:\n  ${declaration.example}`];
  if (declaration.uses.length > 0) lines.push(`\nGlobal flags it uses:\n${declaration.uses.map((flag) => `  ${GLOBAL_FLAG_HELP[flag]}`).join("\n")}`);
  return lines.join("\n");
}

/** A command that only holds subcommands (`manifest`): without one it prints its help. */
function group(groups: Map<string, Command>, path: readonly string[]): Command {
  const parent = groups.get(path.slice(0, -1).join(" "));
  if (!parent) throw new Error(`command group ${path.join(" ")} has no parent`);
  const command = parent.command(path.at(-1) ?? "").description(GROUPS[path.join(" ")] ?? "").exitOverride();
  groups.set(path.join(" "), command);
  return command;
}

function globalOptions(options: Record<string, unknown>): GlobalOptions {
  const text = (key: string) => (typeof options[key] === "string" ? (options[key] as string) : undefined);
  return {
    json: options.json === true,
    color: options.color !== false,
    debug: options.debug === true,
    profile: text("profile"),
    region: text("region"),
    rack: text("rack") ?? (process.env.RACKNET_RACK || undefined),
    app: text("app"),
    yes: options.yes === true,
    dryRun: options.dryRun === true,
    exitCode: options.exitCode === true,
    allowDestroy: options.allowDestroy === true,
    requireApproval: REQUIRE_APPROVAL_VALUES.find((value) => value === options.requireApproval) ?? "broadening",
  };
}

/** What the launcher (bin/racknet) did before loading the CLI. */
export interface Launched {
  /** It wrote the sign of life of a command that changes AWS (in CI: stderr not a terminal). */
  saidSignOfLife?: boolean;
}

export async function main(argv: string[], launched: Launched = {}): Promise<number> {
  quietOnClosedPipe();
  let exitCode = 0;
  const program = buildProgram(async (declaration, args, globals) => {
    if (globals.exitCode && !globals.dryRun) throw new CommanderError(2, "racknet.exitCode", `error: ${Flag.exitCode} goes with ${Flag.dryRun}`);
    const [{ createContext, checkNameOptions }, { handleError }, { runWorkflow }, { installInterruptFallback }, { signOfLife }] = await Promise.all([
      import("./runtime/context.js"),
      import("./runtime/handle-errors.js"),
      import("./runtime/run-workflow.js"),
      import("./runtime/interrupt.js"),
      import("./runtime/sign-of-life.js"),
    ]);
    const context = createContext(globals);
    // A command that changes AWS never ends on Ctrl-C without a word (read-only ones, `logs --follow`, end quietly).
    if (declaration.changesAws) installInterruptFallback(context.interrupts, context.printer);
    const life = declaration.changesAws ? signOfLife(context.printer, declaration.path.join(" "), launched.saidSignOfLife === true) : undefined;
    try {
      checkNameOptions(globals);
      const workflow = await declaration.load();
      exitCode = (await runWorkflow(workflow, context, args, { profile: globals.profile })).exitCode;
    } catch (error) {
      exitCode = await handleError(error, context.printer, { profile: globals.profile });
    } finally {
      life?.end();
    }
  });
  const mistyped = await unknownSubcommand(program, argv.slice(2));
  if (mistyped) {
    process.stderr.write(`error: ${mistyped}\n(run with --help for usage)\n`);
    if (argv.includes(Flag.json)) process.stdout.write(`${JSON.stringify({ error: { code: ERROR_CODES[ExitCode.usage], exitCode: ExitCode.usage, message: mistyped } }, null, 2)}\n`);
    return ExitCode.usage;
  }
  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version exit 0; every other commander error is a usage error (exit 2).
      if (error.exitCode === 0) return 0;
      if (argv.includes(Flag.json)) process.stdout.write(`${JSON.stringify({ error: { code: ERROR_CODES[ExitCode.usage], exitCode: ExitCode.usage, message: error.message.replace(/^error: /, "") } }, null, 2)}\n`);
      if (error.code === "racknet.exitCode") process.stderr.write(`${error.message}\n`);
      return ExitCode.usage;
    }
    throw error;
  }
  return exitCode;
}

/**
 * `racknet rack paramz`: `rack` is a command of its own and takes no argument, so commander
 * would only say "too many arguments". A word after a command that has subcommands and takes
 * no argument of its own is a mistyped subcommand: say which one was probably meant.
 */
async function unknownSubcommand(program: Command, words: readonly string[]): Promise<string | undefined> {
  let command = program;
  const path: string[] = [];
  for (let index = 0; index < words.length; index += 1) {
    const word = words[index] ?? "";
    if (word === "--") return undefined;
    if (word.startsWith("-")) {
      // An option that takes a value (`-r prod`, `--region x`) skips it.
      const option = [...command.options, ...program.options].find((candidate) => candidate.short === word || candidate.long === word);
      if (option?.required && !word.includes("=")) index += 1;
      continue;
    }
    const sub = command.commands.find((candidate) => candidate.name() === word);
    if (sub) {
      command = sub;
      path.push(word);
      continue;
    }
    if (command === program || command.commands.length === 0 || command.registeredArguments.length > 0) return undefined;
    const { closest, distance } = await import("fastest-levenshtein");
    const names = command.commands.map((candidate) => candidate.name());
    const best = closest(word, names);
    const near = distance(word, best) <= Math.max(2, Math.floor(best.length / 3));
    return `unknown command '${[...path, word].join(" ")}'${near ? `; did you mean '${[...path, best].join(" ")}'?` : `; \`racknet ${path.join(" ")}\` has: ${names.join(", ")}`}`;
  }
  return undefined;
}

/** `racknet rack template | head -1`: the reader went away; that is not an error. */
function quietOnClosedPipe(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "EPIPE") process.exit(process.exitCode ?? 0);
      throw error;
    });
  }
}
