import type { Paint } from "./paint.js";

/**
 * Ask a yes/no question on the terminal. @inquirer/confirm is loaded only when a
 * question is asked, so commands that never ask do not pay for it. The prompt is drawn
 * on stderr, so `--json` output on stdout stays clean, and in racknet's colours: with
 * --no-color or NO_COLOR it has none (inquirer would otherwise decide from stdout alone).
 */
export async function confirm(question: string, options: { defaultYes: boolean; signal?: AbortSignal; paint: Paint }): Promise<boolean> {
  const { default: ask } = await import("@inquirer/confirm");
  return ask({ message: question, default: options.defaultYes, theme: promptTheme(options.paint) }, { output: process.stderr, signal: options.signal });
}

/** @inquirer's theme for a confirm prompt, every style from racknet's paint. */
export function promptTheme(paint: Paint) {
  return {
    prefix: { idle: paint.cyan("?"), done: paint.green("✔") },
    style: {
      answer: (text: string) => paint.cyan(text),
      message: (text: string) => paint.bold(text),
      error: (text: string) => paint.red(`> ${text}`),
      defaultAnswer: (text: string) => paint.dim(`(${text})`),
      help: (text: string) => paint.dim(text),
      highlight: (text: string) => paint.cyan(text),
      key: (text: string) => paint.cyan(paint.bold(`<${text}>`)),
    },
  };
}
