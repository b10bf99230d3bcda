import type { Paint } from "../ui/paint.js";

/**
 * The person running racknet, as a workflow may ask them: the one way a workflow asks a
 * yes/no question. It knows their standing answer (--yes) and whether a terminal can ask at
 * all; the CLI's asks on the terminal (src/ui/confirm.ts), a test's answers from a script.
 */
export interface User {
  /** --yes: every question answered yes up front. */
  readonly yes: boolean;
  /** True when racknet may ask a question (stdin and stderr are terminals). */
  readonly canPrompt: boolean;
  /** One yes/no question; `signal` (or Ctrl-C at the prompt) ends it with an error. */
  confirm(question: string, options: { defaultYes: boolean; signal?: AbortSignal }): Promise<boolean>;
}

/**
 * The user at the terminal. `--yes` is read when asked for, not copied: the flags are the
 * Context's own object. `paint` is the printer's, so the prompt wears racknet's colours.
 */
export function terminalUser(options: { readonly yes: boolean }, canPrompt: boolean, paint: Paint): User {
  return {
    get yes() {
      return options.yes;
    },
    canPrompt,
    async confirm(question, settings) {
      // A question with no terminal to ask it on would wait for ever on a closed stdin.
      if (!canPrompt) throw new Error(`racknet asked "${question}" with no terminal to ask it on`);
      const { confirm } = await import("../ui/confirm.js");
      return confirm(question, { defaultYes: settings.defaultYes, ...(settings.signal ? { signal: settings.signal } : {}), paint });
    },
  };
}
