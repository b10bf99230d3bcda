/**
 * Setup file of the projects that run many files in one process (vitest.config.ts): after each
 * file, every SDK client class whose `send` a class-wide client mock (`mockClient(Class)`) left
 * stubbed gets its own `send` back. Without per-file isolation such a stub outlives its file,
 * and the next file's client answers from the previous file's in-memory AWS.
 */
import { readFileSync } from "node:fs";
import { afterAll } from "vitest";

const packageJson = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { dependencies?: Record<string, string> };
const CLIENT_PACKAGES = Object.keys(packageJson.dependencies ?? {}).filter((name) => name.startsWith("@aws-sdk/client-"));

interface MaybeStub {
  restore?: () => void;
  isSinonProxy?: boolean;
}

afterAll(async () => {
  for (const name of CLIENT_PACKAGES) {
    const exports = (await import(name)) as Record<string, unknown>;
    for (const [exported, value] of Object.entries(exports)) {
      if (!exported.endsWith("Client") || typeof value !== "function") continue;
      const send = Object.getOwnPropertyDescriptor((value as { prototype: object }).prototype, "send")?.value as MaybeStub | undefined;
      if (send?.isSinonProxy && typeof send.restore === "function") send.restore();
    }
  }
});
