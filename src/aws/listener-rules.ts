import type { Context } from "../core/context.js";
import type { RackInfo } from "./stacks.js";
import { assignPriorities, type ExistingRule, type ExistingRules } from "../apps/priorities.js";
import { endpointKinds, type EndpointKind, type Manifest } from "../manifest/model.js";
import { RackOutput } from "../templates/rack-contract.js";
import { sdk } from "./sdk.js";

const LISTENER_OUTPUT: Record<EndpointKind, keyof typeof RackOutput> = {
  external: "ExternalListener",
  internal: "InternalListener",
  router: "RouterListener",
};

/**
 * Listener rule priorities for the app's services: one DescribeRules per listener the
 * app uses (paginated), then the pure assignment (stable, deterministic, limit-checked).
 */
export async function listenerPriorities(context: Context, rack: RackInfo, app: string, manifest: Manifest): Promise<Record<string, number>> {
  const wanted = manifest.services.flatMap((service) => endpointKinds(service).map((kind) => ({ service: service.name, kind })));
  const kinds = [...new Set(wanted.map((rule) => rule.kind))];
  const existing: ExistingRules = {};
  for (const kind of kinds) {
    const listener = rack.rackOutputs[LISTENER_OUTPUT[kind]];
    existing[kind] = listener ? await listenerRules(context, listener, rack.rack) : [];
  }
  return assignPriorities(app, wanted, existing);
}

async function listenerRules(context: Context, listenerArn: string, rack: string): Promise<ExistingRule[]> {
  const { DescribeRulesCommand } = sdk.elbv2();
  const elbv2 = await context.aws.elbv2();
  const rules: ExistingRule[] = [];
  let marker: string | undefined;
  do {
    const page = await elbv2.send(new DescribeRulesCommand({ ListenerArn: listenerArn, Marker: marker, PageSize: 400 }));
    for (const rule of page.Rules ?? []) {
      if (rule.IsDefault || !rule.Priority || rule.Priority === "default") continue;
      const hosts = (rule.Conditions ?? []).flatMap((condition) => condition.HostHeaderConfig?.Values ?? (condition.Field === "host-header" ? (condition.Values ?? []) : []));
      rules.push({ priority: Number(rule.Priority), hosts, ...ownerOf(hosts, rack) });
    }
    marker = page.NextMarker;
  } while (marker);
  return rules;
}

/** racknet hosts are `<service>.<app>.<rack>.convox`, `...router.convox` or `<service>.<app>.<domain>`. */
function ownerOf(hosts: readonly string[], rack: string): { app?: string } {
  for (const host of hosts) {
    const labels = host.toLowerCase().split(".");
    if (labels.length >= 3 && (host.endsWith(`.${rack}.convox`) || host.endsWith(`.${rack}.router.convox`) || labels.length >= 4)) {
      return { app: labels[1] };
    }
  }
  return {};
}
