import type { ElasticLoadBalancingV2Client } from "@aws-sdk/client-elastic-load-balancing-v2";
import { sdk } from "./sdk.js";

/** A listener rule that is not the default one: its priority and the host names it matches. */
export interface ListenerRule {
  priority: number;
  hosts: string[];
}

/** Every non-default rule of the listener (DescribeRules, paginated). */
export async function listenerRules(elbv2: ElasticLoadBalancingV2Client, listenerArn: string): Promise<ListenerRule[]> {
  const { DescribeRulesCommand } = sdk.elbv2();
  const rules: ListenerRule[] = [];
  let marker: string | undefined;
  do {
    const page = await elbv2.send(new DescribeRulesCommand({ ListenerArn: listenerArn, Marker: marker, PageSize: 400 }));
    for (const rule of page.Rules ?? []) {
      if (rule.IsDefault || !rule.Priority || rule.Priority === "default") continue;
      const hosts = (rule.Conditions ?? []).flatMap((condition) => condition.HostHeaderConfig?.Values ?? (condition.Field === "host-header" ? (condition.Values ?? []) : []));
      rules.push({ priority: Number(rule.Priority), hosts });
    }
    marker = page.NextMarker;
  } while (marker);
  return rules;
}
