import { Command, CommanderError, Option } from "commander";
import type { Context, GlobalOptions } from "./core/context.js";
import { racknetVersion } from "./version.js";

/**
 * The command line. Every command's module is imported only when that command runs,
 * so `racknet --help` loads commander and nothing else.
 */

type Handler = (context: Context, args: string[], options: Record<string, unknown>) => Promise<void>;
type Loader = () => Promise<{ run: Handler }>;

interface CommandSpec {
  /** e.g. ["rack", "params", "set"] */
  path: string[];
  args?: string;
  summary: string;
  example: string;
  /** Changes AWS: takes --yes and --dry-run. */
  changesAws?: boolean;
  options?: Option[];
  load: Loader;
}

const COMMANDS: CommandSpec[] = [
  {
    path: ["rack"],
    summary: "show the rack: status, region, parameters, load balancers, outbound IPs",
    example: "racknet rack -r production",
    load: () => import("./commands/rack-show.js"),
  },
  {
    path: ["rack", "install"],
    args: "<name> [params...]",
    summary: "create a rack (Param=Value ...; --private is Private=Yes)",
    example: "racknet rack install production --private Internal=Yes",
    changesAws: true,
    options: [new Option("--private", "install with Private=Yes")],
    load: () => import("./commands/rack-install.js"),
  },
  {
    path: ["rack", "params"],
    summary: "every rack parameter and its value",
    example: "racknet rack params -r production",
    load: () => import("./commands/rack-params.js"),
  },
  {
    path: ["rack", "params", "set"],
    args: "<params...>",
    summary: "change rack parameters through a change set",
    example: "racknet rack params set Internal=Yes -r production",
    changesAws: true,
    load: () => import("./commands/rack-params-set.js"),
  },
  {
    path: ["rack", "template"],
    args: "[params...]",
    summary: "print the rack's CloudFormation template (offline)",
    example: "racknet rack template Private=Yes > rack.json",
    load: () => import("./commands/rack-template.js"),
  },
  {
    path: ["rack", "ca"],
    summary: "print the rack's CA certificate (PEM)",
    example: "racknet rack ca -r production > rack-ca.pem",
    load: () => import("./commands/rack-ca.js"),
  },
  {
    path: ["rack", "uninstall"],
    args: "<name>",
    summary: "delete a rack (refused while it has apps)",
    example: "racknet rack uninstall staging --yes",
    changesAws: true,
    load: () => import("./commands/rack-uninstall.js"),
  },
  {
    path: ["racks"],
    summary: "racks in the region",
    example: "racknet racks --region eu-west-1",
    load: () => import("./commands/racks.js"),
  },
  {
    path: ["deploy"],
    summary: "validate convox.yml against the rack, then create or update the app",
    example: "racknet deploy -a myapp -f convox.yml --yes",
    changesAws: true,
    options: [new Option("-f, --file <file>", "manifest file").default("convox.yml")],
    load: () => import("./commands/deploy.js"),
  },
  {
    path: ["services"],
    summary: "each service, how it is exposed, its endpoints and ports",
    example: "racknet services -a myapp --json",
    load: () => import("./commands/services.js"),
  },
  {
    path: ["apps"],
    summary: "apps on the rack",
    example: "racknet apps -r production",
    load: () => import("./commands/apps.js"),
  },
  {
    path: ["private-networks-domain-names"],
    summary: "private DNS names of the app's containers",
    example: "racknet private-networks-domain-names -a myapp",
    options: [
      new Option("--page <n>", "page number, from 1").default("1"),
      new Option("--per-page <n>", "names per page").default("20"),
    ],
    load: () => import("./commands/private-networks.js"),
  },
  {
    path: ["manifest", "check"],
    summary: "validate convox.yml offline and print what a deploy would expose",
    example: "racknet manifest check -f convox.yml --rack-params Internal=Yes,InternalOnly=Yes",
    options: [
      new Option("-f, --file <file>", "manifest file").default("convox.yml"),
      new Option("--rack-params <params>", "rack parameters to check against, K=V,K=V"),
    ],
    load: () => import("./commands/manifest-check.js"),
  },
];

const GROUPS: Record<string, string> = { manifest: "convox.yml tools: check" };

export function buildProgram(run: (load: Loader, args: string[], options: Record<string, unknown>, command: Command) => Promise<void>): Command {
  const program = new Command("racknet")
    .description("Convox-style racks with private networking on AWS; every change goes through a CloudFormation change set you see first.")
    .version(racknetVersion(), "-v, --version")
    .option("--json", "machine-readable output on stdout")
    .option("--no-color", "no colour (also NO_COLOR)")
    .option("--debug", "log every AWS call (never credentials)")
    .option("--profile <profile>", "AWS profile")
    .option("--region <region>", "AWS region")
    .option("-r, --rack <rack>", "rack name (also RACKNET_RACK)")
    .option("-a, --app <app>", "app name (default: the current directory's name)")
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride();

  const groups = new Map<string, Command>([["", program]]);
  for (const spec of COMMANDS) {
    const parentKey = spec.path.slice(0, -1).join(" ");
    const parent = groups.get(parentKey) ?? group(groups, spec.path.slice(0, -1));
    const name = spec.path.at(-1) ?? "";
    const command = parent.command(spec.args ? `${name} ${spec.args}` : name);
    command.description(spec.summary).addHelpText("after", `\nExample:\n  ${spec.example}`).exitOverride();
    for (const option of spec.options ?? []) command.addOption(option);
    if (spec.changesAws) {
      command.option("-y, --yes", "do not ask; apply the change set").option("--dry-run", "create the change set, show it, delete it");
    }
    command.action(async (...received: unknown[]) => {
      const self = received.at(-1) as Command;
      const args = received.slice(0, -2).flatMap((value) => (Array.isArray(value) ? value.map(String) : value === undefined ? [] : [String(value)]));
      await run(spec.load, args, self.optsWithGlobals(), self);
    });
    groups.set(spec.path.join(" "), command);
  }
  return program;
}

/** A command that only holds subcommands (`manifest`): without one it prints its help. */
function group(groups: Map<string, Command>, path: string[]): Command {
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
  };
}

export async function main(argv: string[]): Promise<number> {
  let exitCode = 0;
  const program = buildProgram(async (load, args, options) => {
    const [{ createContext }, { handleError }] = await Promise.all([import("./core/context.js"), import("./core/handle-errors.js")]);
    const context = createContext(globalOptions(options));
    try {
      const module = await load();
      await module.run(context, args, options);
    } catch (error) {
      exitCode = handleError(error, context.printer);
    }
  });
  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version exit 0; every other commander error is a usage error (exit 2).
      return error.exitCode === 0 ? 0 : 2;
    }
    throw error;
  }
  return exitCode;
}
