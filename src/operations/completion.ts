import { UsageError } from "../errors/index.js";
import { outcome, type Outcome } from "../ui/outcome.js";
import { REQUIRE_APPROVAL_VALUES } from "../plan/approval.js";
import type { Context } from "../runtime/context.js";
import { Flag } from "../names/flags.js";

/**
 * Shell completion scripts generated from the command declarations: each command path's
 * subcommands and options (its own, --yes and --dry-run when it changes AWS, and the global
 * flags), option values left to the user except files. bash gets a completion function,
 * zsh runs the same function through bashcompinit (zsh's own bash-completion emulation),
 * fish gets `complete` lines keyed on the command path.
 */

export const SHELLS = ["bash", "zsh", "fish"] as const;
type Shell = (typeof SHELLS)[number];

/** What completion needs of a declaration (src/commands/define.ts). */
export interface CompletableCommand {
  path: readonly string[];
  summary: string;
  arguments: readonly { name: string }[];
  options: Readonly<Record<string, { flags: string; description: string }>>;
  changesAws: boolean;
}

/** The flags src/cli.ts gives every command; test/commands/completion.test.ts checks they are commander's. */
export const GLOBAL_FLAGS: readonly { flags: string; description: string }[] = [
  { flags: Flag.json, description: "machine-readable output on stdout" },
  { flags: Flag.noColor, description: "no colour (also NO_COLOR)" },
  { flags: Flag.debug, description: "log every AWS call (never credentials)" },
  { flags: `${Flag.profile} <profile>`, description: "AWS profile" },
  { flags: `${Flag.region} <region>`, description: "AWS region" },
  { flags: `-r, ${Flag.rack} <rack>`, description: "rack name (also RACKNET_RACK)" },
  { flags: `-a, ${Flag.app} <app>`, description: "app name (default: the current directory's name)" },
  { flags: "-h, --help", description: "display help for command" },
];
/** The flags src/cli.ts gives every command that changes AWS (checked against commander by the same test). */
const CHANGE_FLAGS = [
  { flags: `-y, ${Flag.yes}`, description: "do not ask; apply the change set" },
  { flags: Flag.dryRun, description: "create the change set, show it, delete it" },
  { flags: Flag.exitCode, description: `with ${Flag.dryRun}: exit 4 when there are changes, 0 when none` },
  { flags: Flag.allowDestroy, description: "apply a change that destroys or replaces what holds data, identity or running work" },
  { flags: `${Flag.requireApproval} <level>`, description: "changes that need their own approval", choices: REQUIRE_APPROVAL_VALUES },
];
/** Values an argument takes, by argument name, where racknet knows them. */
const ARGUMENT_VALUES: Readonly<Record<string, readonly string[]>> = { shell: SHELLS };

export interface Flag {
  short?: string;
  long: string;
  takesValue: boolean;
  /** The value is a file name (`<file>`). */
  file: boolean;
  /** The values it takes, when they are a fixed list. */
  choices: readonly string[];
  description: string;
}

/** One command path (`""` is racknet itself) and what may follow it. */
export interface CompletionNode {
  path: string;
  summary: string;
  subcommands: string[];
  flags: Flag[];
  values: string[];
}

export function completionWorkflow(commands: readonly CompletableCommand[]) {
  return async (context: Context, args: { shell: string }): Promise<Outcome> => {
    const shell = SHELLS.find((one) => one === args.shell);
    if (!shell) throw new UsageError(`no completion for shell "${args.shell}"`, { fix: `pass one of: ${SHELLS.join(", ")}` });
    const script = completionScript(shell, completionTree(commands));
    return outcome({ shell, script }, (printer) => printer.out(script));
  };
}

export function completionScript(shell: Shell, nodes: readonly CompletionNode[]): string {
  if (shell === "fish") return fishScript(nodes);
  const bash = bashScript(nodes);
  return shell === "bash" ? bash : `# zsh: load with \`source <(racknet completion zsh)\` in ~/.zshrc, after compinit;\n# it runs racknet's bash completion through bashcompinit.\nautoload -U +X bashcompinit && bashcompinit\n${bash}`;
}

export function parseFlag(spec: { flags: string; description: string; choices?: readonly string[] }): Flag {
  const words = spec.flags.split(/[ ,]+/).filter(Boolean);
  const short = words.find((word) => /^-[A-Za-z]$/.test(word));
  const long = words.find((word) => word.startsWith("--")) ?? short ?? "";
  const value = words.find((word) => /^[<[]/.test(word));
  return { short, long, takesValue: value !== undefined, file: value === "<file>", choices: spec.choices ?? [], description: spec.description };
}

/** Every command path, with its subcommands, options and argument values. */
export function completionTree(commands: readonly CompletableCommand[]): CompletionNode[] {
  const nodes = new Map<string, CompletionNode>();
  const node = (path: readonly string[], summary = ""): CompletionNode => {
    const key = path.join(" ");
    let found = nodes.get(key);
    if (!found) {
      found = { path: key, summary, subcommands: [], flags: GLOBAL_FLAGS.map(parseFlag), values: [] };
      nodes.set(key, found);
      if (path.length > 0) {
        const parent = node(path.slice(0, -1));
        const name = path.at(-1) ?? "";
        if (!parent.subcommands.includes(name)) parent.subcommands.push(name);
      }
    }
    if (summary) found.summary = summary;
    return found;
  };
  node([]).flags.push(parseFlag({ flags: "-v, --version", description: "output the version number" }));
  for (const command of commands) {
    const target = node(command.path, command.summary);
    target.flags.push(...Object.values(command.options).map(parseFlag));
    if (command.changesAws) target.flags.push(...CHANGE_FLAGS.map(parseFlag));
    target.values.push(...command.arguments.flatMap((spec) => ARGUMENT_VALUES[spec.name] ?? []));
  }
  // Commander also takes a parent command's options after its subcommand (`env set --reveal`).
  const own = new Map(commands.map((command) => [command.path.join(" "), Object.values(command.options).map(parseFlag)]));
  for (const command of commands) {
    const target = node(command.path);
    for (let depth = 1; depth < command.path.length; depth += 1) {
      for (const flag of own.get(command.path.slice(0, depth).join(" ")) ?? []) if (!target.flags.some((known) => known.long === flag.long)) target.flags.push(flag);
    }
  }
  return [...nodes.values()];
}

function bashScript(nodes: readonly CompletionNode[]): string {
  const flagWords = (flags: readonly Flag[]) => flags.flatMap((flag) => (flag.short ? [flag.short, flag.long] : [flag.long])).join(" ");
  const allFlags = nodes.flatMap((one) => one.flags);
  const valued = flagNames(allFlags, (flag) => flag.takesValue).join("|");
  const files = flagNames(allFlags, (flag) => flag.file).join("|");
  const children = nodes.flatMap((one) => one.subcommands.map((sub) => `"${one.path}:${sub}"`)).join("|");
  const choiceCases = uniqueFlags(allFlags.filter((flag) => flag.choices.length > 0))
    .map((flag) => `    ${flagNames([flag], () => true).join("|")}) COMPREPLY=( $(compgen -W "${flag.choices.join(" ")}" -- "$cur") ); return 0 ;;\n`)
    .join("");
  const cases = nodes
    .map((one) => `    "${one.path}") words="${[...one.subcommands, ...one.values].join(" ")}"; flags="${flagWords(one.flags)}" ;;`)
    .join("\n");
  return `# racknet completion for bash (generated by \`racknet completion bash\`)
_racknet() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="" path="" word i words flags
  (( COMP_CWORD > 0 )) && prev="\${COMP_WORDS[COMP_CWORD-1]}"
  for (( i = 1; i < COMP_CWORD; i++ )); do
    word="\${COMP_WORDS[i]}"
    case "$word" in
      ${valued || "--"}) (( i++ )) ;;
      -*) ;;
      *) case "$path:$word" in
           ${children || '""'}) path="\${path:+$path }$word" ;;
         esac ;;
    esac
  done
  case "$prev" in
${choiceCases}    ${files || "--"}) COMPREPLY=( $(compgen -f -- "$cur") ); return 0 ;;
    ${valued || "--"}) COMPREPLY=(); return 0 ;;
  esac
  case "$path" in
${cases}
    *) words=""; flags="" ;;
  esac
  if [[ "$cur" == -* ]]; then
    COMPREPLY=( $(compgen -W "$flags" -- "$cur") )
  else
    COMPREPLY=( $(compgen -W "$words" -- "$cur") )
  fi
  return 0
}
complete -F _racknet racknet
`;
}

function fishScript(nodes: readonly CompletionNode[]): string {
  const quote = (text: string) => `'${text.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
  const allFlags = nodes.flatMap((one) => one.flags);
  const valued = flagNames(allFlags, (flag) => flag.takesValue);
  const children = nodes.flatMap((one) => one.subcommands.map((sub) => `${one.path}:${sub}`));
  const lines = [
    "# racknet completion for fish (generated by `racknet completion fish`)",
    "function __racknet_path",
    "    set -l words (commandline -opc)",
    "    set -l path ''",
    "    set -l skip 0",
    "    for word in $words[2..-1]",
    "        if test $skip -eq 1",
    "            set skip 0",
    "            continue",
    "        end",
    `        if contains -- $word ${valued.map(quote).join(" ")}`,
    "            set skip 1",
    "        else if string match -q -- '-*' $word",
    "            continue",
    `        else if contains -- "$path:$word" ${children.map(quote).join(" ")}`,
    "            if test -z \"$path\"",
    "                set path $word",
    "            else",
    "                set path \"$path $word\"",
    "            end",
    "        end",
    "    end",
    "    echo $path",
    "end",
    "complete -c racknet -f",
  ];
  for (const one of nodes) {
    const at = `-n ${quote(`test (__racknet_path) = ${quote(one.path)}`)}`;
    for (const sub of one.subcommands) {
      const child = nodes.find((other) => other.path === (one.path ? `${one.path} ${sub}` : sub));
      lines.push(`complete -c racknet ${at} -a ${quote(sub)} -d ${quote(child?.summary ?? "")}`);
    }
    for (const value of one.values) lines.push(`complete -c racknet ${at} -a ${quote(value)}`);
    for (const flag of one.flags) {
      const short = flag.short ? ` -s ${flag.short.slice(1)}` : "";
      const kind = flag.file ? " -F -r" : flag.choices.length > 0 ? ` -x -a ${quote(flag.choices.join(" "))}` : flag.takesValue ? " -x" : "";
      lines.push(`complete -c racknet ${at}${short} -l ${flag.long.slice(2)}${kind} -d ${quote(flag.description)}`);
    }
  }
  return `${lines.join("\n")}\n`;
}

/** Every spelling (-f, --file) of the flags that match, once each. */
function flagNames(flags: readonly Flag[], matches: (flag: Flag) => boolean): string[] {
  return [...new Set(flags.filter(matches).flatMap((flag) => (flag.short ? [flag.short, flag.long] : [flag.long])))];
}

/** One of each flag, by its long name. */
function uniqueFlags(flags: readonly Flag[]): Flag[] {
  return [...new Map(flags.map((flag) => [flag.long, flag])).values()];
}
