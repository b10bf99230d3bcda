import { Writable } from "node:stream";
import type { AwsClients } from "../../src/aws/clients.js";

/** A stream that keeps what is written to it: stdout and stderr of an in-memory Printer. */
export class Capture extends Writable {
  text = "";
  override _write(chunk: Buffer, _encoding: BufferEncoding, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

/** AWS clients for an offline command: any use of them fails the test. */
export function noAws(command: string): AwsClients {
  return new Proxy({}, {
    get(_target, property) {
      throw new Error(`${command} touched AWS (${String(property)})`);
    },
  }) as unknown as AwsClients;
}
