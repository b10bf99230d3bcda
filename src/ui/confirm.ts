/**
 * Ask a yes/no question on the terminal. @inquirer/confirm is loaded only when a
 * question is asked, so commands that never ask do not pay for it. The prompt is drawn
 * on stderr, so `--json` output on stdout stays clean.
 */
export async function confirm(question: string, options: { defaultYes: boolean; signal?: AbortSignal }): Promise<boolean> {
  const { default: ask } = await import("@inquirer/confirm");
  return ask({ message: question, default: options.defaultYes }, { output: process.stderr, signal: options.signal });
}
