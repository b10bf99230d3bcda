import { createRequire } from "node:module";
import { Writable } from "node:stream";

/**
 * What a person sees: output with its escape sequences played on a headless terminal
 * (xterm.js), so a test reads the screen a live view leaves behind, not the bytes.
 */
export async function screenOf(output: string, size: { cols: number; rows: number } = { cols: 100, rows: 200 }): Promise<string[]> {
  // xterm's headless build is CommonJS without named ES exports.
  const { Terminal } = createRequire(import.meta.url)("@xterm/headless") as typeof import("@xterm/headless");
  const terminal = new Terminal({ ...size, allowProposedApi: true });
  // A pseudo-terminal turns \n into \r\n; raw captures from memory streams lack the \r.
  await new Promise<void>((resolve) => terminal.write(output.replace(/\r?\n/g, "\r\n"), resolve));
  const buffer = terminal.buffer.active;
  const lines: string[] = [];
  for (let index = 0; index < buffer.length; index += 1) lines.push(buffer.getLine(index)?.translateToString(true) ?? "");
  terminal.dispose();
  while (lines.length > 0 && lines.at(-1) === "") lines.pop();
  return lines;
}

/** A terminal-like stream in memory: isTTY, a size, and everything written to it. */
export class MemoryTerminal extends Writable {
  text = "";
  readonly isTTY = true;
  constructor(
    readonly columns = 100,
    readonly rows = 30,
  ) {
    super();
  }
  override _write(chunk: Buffer, _encoding: BufferEncoding, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

/** Spinner glyphs of cli-spinners' `dots`: on a final screen they mean a live view was left behind. */
export const SPINNER = /[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]/;
