import type { Context } from "../runtime/context.js";
import { resolveRack } from "../steps/resolve.js";
import { readRackCaCertificate } from "../steps/certificates.js";

export async function run(context: Context): Promise<void> {
  const rack = await resolveRack(context);
  const pem = await readRackCaCertificate(context, rack.rack);
  context.printer.result({ rack: rack.rack, certificate: pem }, () => context.printer.out(pem));
}
