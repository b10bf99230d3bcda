import { describe, expect, it } from "vitest";
import { startMoto } from "../support/moto.js";

/** The e2e bench itself (test/support/moto.ts, moto-pool.ts): one moto_server per worker, shared by its files. */
describe("startMoto() in the e2e project", () => {
  it("gives every file of a worker the same server, whose stop() leaves it up for the next file", async () => {
    const first = await startMoto();
    const again = await startMoto();
    expect(again.endpoint).toBe(first.endpoint);
    await first.stop();
    const response = await fetch(`${first.endpoint}/moto-api/`);
    expect(response.ok).toBe(true);
  });

  it("with own: true, a server of the file's own, which its stop() ends", async () => {
    const shared = await startMoto();
    const own = await startMoto({ own: true });
    expect(own.endpoint).not.toBe(shared.endpoint);
    await own.stop();
    await expect(fetch(`${own.endpoint}/moto-api/`)).rejects.toThrow();
  });
});
