import { AwsClients } from "../aws/clients.js";
import { Printer, type Progress } from "../ui/printer.js";
import { colorWanted } from "../ui/paint.js";
import { UsageError, UserError, type ExitCode } from "../errors/index.js";
import { APP_NAME_MAX, RACK_NAME_MAX, nameProblem } from "../names/index.js";
import type { RequireApproval } from "../plan/approval.js";
import { terminalUser, type User } from "./user.js";
import { systemClock, type Clock } from "./clock.js";
import { processInterrupts, type Interrupts } from "./interrupt.js";

/** Flags every command accepts (SPEC section 1, "Global"). */
export interface GlobalOptions {
  json: boolean;
  color: boolean;
  debug: boolean;
  profile?: string;
  region?: string;
  rack?: string;
  app?: string;
  yes: boolean;
  dryRun: boolean;
  /** With --dry-run: exit 4 when the change set has changes (for CI diff steps). */
  exitCode?: boolean;
  /** Apply a change that destroys or replaces what holds data, identity or running work. */
  allowDestroy?: boolean;
  /** Which changes need their own approval (src/plan/approval.ts); default broadening. */
  requireApproval?: RequireApproval;
}

/** What a command handler gets: how to print, how to reach AWS, and the user's global choices. */
export interface Context {
  options: GlobalOptions;
  /** Progress while the workflow runs; its result goes back as an Outcome (src/ui/outcome.ts). */
  printer: Progress;
  aws: AwsClients;
  /** The one way to ask the user a question: knows --yes and whether a terminal can ask. */
  user: User;
  /** What time it is and how to wait: the workflow's waits, polls, deadlines and timestamps. */
  clock: Clock;
  /** Ctrl-C, heard in one place: `scope()` gives a signal the first Ctrl-C aborts, `listen` a callback. */
  interrupts: Interrupts;
  /** Number of AWS requests made so far (for --debug and the benchmark). */
  awsCalls(): number;
}

/** The command runner's own view of the Context: the whole printer, which writes the outcome and errors. */
export interface CommandContext extends Context {
  printer: Printer;
}

export function createContext(options: GlobalOptions): CommandContext {
  const printer = new Printer({
    json: options.json,
    color: colorWanted(options.color, process.stderr),
    debug: options.debug,
  });
  settleCredentialSources(options.profile, printer);
  let calls = 0;
  const aws = new AwsClients({
    region: options.region,
    profile: options.profile,
    onCall: (operation, asked) => {
      calls += 1;
      printer.debug(`aws ${operation}${asked ? ` ${asked}` : ""} (+${Math.round(performance.now())} ms)`);
    },
  });
  return {
    options,
    printer,
    aws,
    user: terminalUser(options, Boolean(process.stdin.isTTY && process.stderr.isTTY), printer.paint),
    clock: systemClock,
    interrupts: processInterrupts,
    awsCalls: () => calls,
  };
}

/**
 * A profile (--profile or AWS_PROFILE) and keys in the environment both set: the SDK uses the
 * profile and prints a multi-line warning of its own on the terminal. racknet decides the same
 * way up front and leaves the unused keys out of the SDK's sight, so no SDK warning reaches the
 * user; --debug says which source is used.
 */
function settleCredentialSources(flagProfile: string | undefined, printer: Printer, env = process.env): void {
  const profile = flagProfile ?? env.AWS_PROFILE;
  if (!profile || !env.AWS_ACCESS_KEY_ID || !env.AWS_SECRET_ACCESS_KEY) return;
  printer.debug(`credentials: profile ${profile}; AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in the environment are not used`);
  delete env.AWS_ACCESS_KEY_ID;
  delete env.AWS_SECRET_ACCESS_KEY;
  delete env.AWS_SESSION_TOKEN;
}

/** The app name: -a, else the current directory's name, as Convox does; a valid name or a usage error. */
export function appName(options: GlobalOptions, cwd = process.cwd()): string {
  if (options.app) return checkedName("app", options.app);
  const base = cwd.split(/[\\/]/).filter(Boolean).at(-1) ?? "";
  const name = base.toLowerCase().replace(/[^a-z0-9-]+/g, "-").replace(/-{2,}/g, "-").replace(/^-+|-+$/g, "");
  if (!/^[a-z]/.test(name) || nameProblem("app", name, APP_NAME_MAX)) {
    throw new UserError(`cannot derive an app name from the directory "${base}"`, { fix: "pass -a APP (lowercase letters, digits and dashes, starting with a letter)" });
  }
  return name;
}

/**
 * -a and -r (or RACKNET_RACK), checked once for every command before any AWS call: a name
 * becomes a stack name, an SSM path and a DNS label, so `-a a/b` would reach another app's
 * parameters (`/racknet/<rack>/apps/a/b/...`).
 */
export function checkNameOptions(options: GlobalOptions): void {
  if (options.app !== undefined) checkedName("app", options.app);
  if (options.rack !== undefined) checkedName("rack", options.rack);
}

/** An app or rack name as given, or a usage error saying what a name may hold (the name shown escaped). */
export function checkedName(kind: "app" | "rack", name: string): string {
  const problem = nameProblem(kind, name, kind === "app" ? APP_NAME_MAX : RACK_NAME_MAX);
  if (!problem) return name;
  const flag = kind === "app" ? "-a APP" : "-r RACK (or RACKNET_RACK)";
  throw new UsageError(`${kind} name ${JSON.stringify(name.slice(0, 64))} is not a name racknet uses: it ${problem.slice(`${kind} name "${name}" `.length)}`, { fix: `pass ${flag} with lowercase letters, digits and dashes, starting with a letter (at most ${kind === "app" ? APP_NAME_MAX : RACK_NAME_MAX} characters)` });
}
