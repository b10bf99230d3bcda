/**
 * How a command is declared: where it lives on the command line, what it says in --help,
 * its typed arguments and options, whether it changes AWS, and a lazy load of its
 * workflow (src/operations/, same name). Declarations import nothing heavy, so
 * `racknet --help` stays as fast as starting Node.
 */
import type { Workflow } from "../runtime/run-workflow.js";

/** Global flags a command reads, named in its help (SPEC section 1, "Global"). */
export type GlobalFlag = "rack" | "app" | "json";

export interface ArgumentSpec<Name extends string = string, Value = unknown> {
  name: Name;
  description: string;
  shape: "required" | "optional" | "variadic" | "some";
  /** Phantom: the type the workflow receives. */
  readonly value?: Value;
}

export interface OptionSpec<Value = unknown> {
  /** Commander's flags, e.g. "-f, --file <file>". */
  flags: string;
  description: string;
  default?: Value;
  /** Given any number of times; the workflow gets every value, in order. */
  repeatable?: boolean;
  readonly value?: Value;
}

export const argument = {
  required: <const Name extends string>(name: Name, description: string): ArgumentSpec<Name, string> => ({ name, description, shape: "required" }),
  optional: <const Name extends string>(name: Name, description: string): ArgumentSpec<Name, string | undefined> => ({ name, description, shape: "optional" }),
  variadic: <const Name extends string>(name: Name, description: string): ArgumentSpec<Name, string[]> => ({ name, description, shape: "variadic" }),
  /** One or more. */
  some: <const Name extends string>(name: Name, description: string): ArgumentSpec<Name, string[]> => ({ name, description, shape: "some" }),
};

export const option = {
  flag: (flags: string, description: string): OptionSpec<boolean> => ({ flags, description, default: false }),
  text: (flags: string, description: string, fallback: string): OptionSpec<string> => ({ flags, description, default: fallback }),
  maybeText: (flags: string, description: string): OptionSpec<string | undefined> => ({ flags, description }),
  /** Repeatable: `--image web=URI --image api=URI`. */
  list: (flags: string, description: string): OptionSpec<string[]> => ({ flags, description, default: [], repeatable: true }),
};

type Positionals<A extends readonly ArgumentSpec[]> = { [S in A[number] as S["name"]]: S extends ArgumentSpec<string, infer V> ? V : never };
type Options<O extends Record<string, OptionSpec>> = { [K in keyof O]: O[K] extends OptionSpec<infer V> ? V : never };

/** What a workflow receives: its positionals by name and its options, typed, defaults applied. */
export type ArgsOf<A extends readonly ArgumentSpec[], O extends Record<string, OptionSpec>> = Positionals<A> & Options<O>;

export interface CommandDeclaration {
  path: readonly string[];
  summary: string;
  example: string;
  arguments: readonly ArgumentSpec[];
  options: Readonly<Record<string, OptionSpec>>;
  /** Takes --yes and --dry-run. */
  changesAws: boolean;
  uses: readonly GlobalFlag[];
  load(): Promise<Workflow<Record<string, unknown>>>;
}

export function defineCommand<const A extends readonly ArgumentSpec[] = [], const O extends Record<string, OptionSpec> = Record<never, OptionSpec>>(declaration: {
  path: readonly string[];
  summary: string;
  example: string;
  arguments?: A;
  options?: O;
  changesAws?: boolean;
  uses?: readonly GlobalFlag[];
  load: () => Promise<{ run: Workflow<ArgsOf<A, O>> }>;
}): CommandDeclaration {
  return {
    path: declaration.path,
    summary: declaration.summary,
    example: declaration.example,
    arguments: declaration.arguments ?? [],
    options: declaration.options ?? {},
    changesAws: declaration.changesAws ?? false,
    uses: declaration.uses ?? [],
    load: async () => (await declaration.load()).run as Workflow<Record<string, unknown>>,
  };
}
