import { argument, defineCommand, type CommandDeclaration } from "./define.js";

/**
 * `racknet completion bash|zsh|fish`. Built with the list of declarations it completes
 * (index.ts hands it over), so the script is generated from the same paths and options
 * commander registers and never goes stale; taking the list as an argument keeps this file
 * from importing index.ts, which imports it.
 */
export function completionCommand(commands: () => readonly CommandDeclaration[]): CommandDeclaration {
  return defineCommand({
    path: ["completion"],
    summary: "print a shell completion script for bash, zsh or fish",
    example: 'racknet completion bash > ~/.local/share/bash-completion/completions/racknet   # zsh: source <(racknet completion zsh)',
    arguments: [argument.required("shell", "bash, zsh or fish")],
    load: async () => {
      const { completionWorkflow } = await import("../operations/completion.js");
      return { run: completionWorkflow(commands()) };
    },
  });
}
