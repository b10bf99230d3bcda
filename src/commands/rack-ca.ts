import type { Context } from "../core/context.js";
import { resolveRack } from "../aws/stacks.js";
import { readRackCaCertificate } from "../aws/certificates.js";

export async function run(context: Context): Promise<void> {
  const rack = await resolveRack(context);
  const pem = await readRackCaCertificate(context, rack.rack);
  context.printer.result({ rack: rack.rack, certificate: pem }, () => context.printer.out(pem));
}
