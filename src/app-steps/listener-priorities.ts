import { assignPriorities, ruleOwner, type ExistingRules, type WantedRule } from "../app-records/priorities.js";
import { listenerRules } from "../aws/elbv2.js";
import type { RackInfo } from "../shared-steps/resolve.js";
import { endpointKinds, type EndpointKind, type Manifest } from "../manifest/model.js";
import type { Context } from "../runtime/context.js";
import { RackOutput } from "../names/rack-outputs.js";

const LISTENER_OUTPUT: Record<EndpointKind, keyof typeof RackOutput> = {
  external: "ExternalListener",
  internal: "InternalListener",
  router: "RouterListener",
};

/**
 * Listener rule priorities for the app's services: the rules of each listener the app
 * uses, read side by side, then the pure assignment (stable, deterministic, limit-checked).
 */
export async function listenerPriorities(context: Context, rack: RackInfo, app: string, manifest: Manifest): Promise<Record<string, number>> {
  const wanted: WantedRule[] = manifest.services.flatMap((service) => [
    ...endpointKinds(service).map((kind) => ({ service: service.name, kind })),
    ...service.domains.map((domain) => ({ service: service.name, kind: "external" as const, domain })),
  ]);
  const kinds = [...new Set(wanted.map((rule) => rule.kind))];
  const elbv2 = kinds.length > 0 ? await context.aws.elbv2() : undefined;
  const existing: ExistingRules = {};
  await Promise.all(
    kinds.map(async (kind) => {
      const listener = rack.rackOutputs[LISTENER_OUTPUT[kind]];
      const rules = listener && elbv2 ? await listenerRules(elbv2, listener) : [];
      existing[kind] = rules.map((rule) => ({ ...rule, ...ruleOwner(rule.hosts, rack.rack) }));
    }),
  );
  return assignPriorities(app, wanted, existing);
}
