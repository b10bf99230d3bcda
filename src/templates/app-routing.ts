/**
 * How requests reach an app's services: per service and load balancer a target group,
 * a host-header rule on the rack's listener and (internal, router) a name in the rack's
 * private zone; the app's security group, which admits only the load balancers; and the
 * app's certificate on the internal listeners. Pure.
 *
 * External names get no record: racknet owns no public zone. The user points
 * `*.<app>.<Domain>` at the external load balancer (`racknet rack` prints its DNS name).
 */
import type { EndpointKind, Service } from "../manifest/model.js";
import { AppParameter, KindParameters, kindName } from "./app-contract.js";
import { endpointHost } from "./app-endpoints.js";
import { type Json, type Resource, type TemplateFragment, getAtt, ref } from "./cfn.js";

export function routingIds(id: string, kind: EndpointKind): { targetGroup: string; rule: string; record: string } {
  const prefix = `${id}${kindName(kind)}`;
  return { targetGroup: `${prefix}TargetGroup`, rule: `${prefix}ListenerRule`, record: `${prefix}Record` };
}

export interface RouteInput {
  rack: string;
  app: string;
  service: Service;
  id: string;
  kind: EndpointKind;
  priority: number;
}

export function serviceRoute({ rack, app, service, id, kind, priority }: RouteInput): TemplateFragment {
  const port = service.port;
  if (!port) throw new Error(`service ${service.name} has no port to route ${kind} traffic to`);
  const ids = routingIds(id, kind);
  const protocol = port.scheme === "https" ? "HTTPS" : "HTTP";
  const host = endpointHost(service.name, kind, app, rack);
  const resources: Record<string, Resource> = {
    [ids.targetGroup]: {
      Type: "AWS::ElasticLoadBalancingV2::TargetGroup",
      Properties: {
        TargetType: "ip",
        VpcId: ref(AppParameter.VpcId),
        Port: port.port,
        Protocol: protocol,
        HealthCheckProtocol: service.health.port?.scheme ? (service.health.port.scheme === "https" ? "HTTPS" : "HTTP") : protocol,
        HealthCheckPort: service.health.port ? String(service.health.port.port) : "traffic-port",
        HealthCheckPath: service.health.path,
        HealthCheckIntervalSeconds: service.health.interval,
        HealthCheckTimeoutSeconds: service.health.timeout,
        HealthyThresholdCount: 2,
        UnhealthyThresholdCount: 2,
        // Convox counts 401 as alive too: a service behind authentication answers its health path with it.
        Matcher: { HttpCode: "200-399,401" },
        TargetGroupAttributes: targetGroupAttributes(service),
      },
    },
    [ids.rule]: {
      Type: "AWS::ElasticLoadBalancingV2::ListenerRule",
      Properties: {
        ListenerArn: ref(KindParameters[kind].listener),
        Priority: priority,
        Conditions: ruleConditions(host, service.whitelist),
        Actions: [{ Type: "forward", TargetGroupArn: ref(ids.targetGroup) }],
      },
    },
  };
  const zone = KindParameters[kind].hostedZone;
  if (zone) {
    resources[ids.record] = {
      Type: "AWS::Route53::RecordSet",
      Properties: {
        HostedZoneId: ref(zone),
        Name: `${host as string}.`,
        Type: "A",
        AliasTarget: { DNSName: ref(KindParameters[kind].dns), HostedZoneId: ref(KindParameters[kind].zoneId), EvaluateTargetHealth: false },
      },
    };
  }
  return { Resources: resources };
}

/** `drain` and `sticky` as target group attributes (Convox's cookie stickiness: the load balancer's own cookie, one day). */
function targetGroupAttributes(service: Service): Json[] {
  return [
    { Key: "deregistration_delay.timeout_seconds", Value: String(service.drain) },
    { Key: "stickiness.enabled", Value: String(service.sticky) },
    ...(service.sticky ? [{ Key: "stickiness.type", Value: "lb_cookie" }, { Key: "stickiness.lb_cookie.duration_seconds", Value: "86400" }] : []),
  ];
}

/**
 * The host, and with a whitelist the source ranges: a request from anywhere else matches no
 * rule and gets the listener's 404. The manifest rules keep the whitelist within ALB's
 * limits (3 values per condition, 5 per rule), so it is never dropped here.
 */
export function ruleConditions(host: Json, whitelist: readonly string[]): Json[] {
  const conditions: Json[] = [{ Field: "host-header", HostHeaderConfig: { Values: [host] } }];
  if (whitelist.length > 0) conditions.push({ Field: "source-ip", SourceIpConfig: { Values: [...whitelist] } });
  return conditions;
}

/** The app's security group: each load balancer may reach the ports of the services it serves, nothing else may. */
export function serviceSecurityGroup(rack: string, app: string, served: { port: number; kind: EndpointKind }[], networkLoadBalancers: Json[] = []): Resource {
  const seen = new Set<string>();
  const ingress: Json[] = [];
  for (const { port, kind } of served) {
    const key = `${kind}:${port}`;
    if (seen.has(key)) continue;
    seen.add(key);
    ingress.push({
      IpProtocol: "tcp",
      FromPort: port,
      ToPort: port,
      SourceSecurityGroupId: ref(KindParameters[kind].securityGroup),
      Description: `${kind} load balancer to port ${port}`,
    });
  }
  ingress.push(...networkLoadBalancers);
  return {
    Type: "AWS::EC2::SecurityGroup",
    Properties: {
      GroupDescription: `racknet ${rack}/${app}: load balancers to the app services`,
      VpcId: ref(AppParameter.VpcId),
      ...(ingress.length > 0 ? { SecurityGroupIngress: ingress } : {}),
      Tags: [{ Key: "Name", Value: `${rack}-${app}-services` }],
    },
  };
}

export const SERVICE_SECURITY_GROUP = "ServiceSecurityGroup";
export const serviceSecurityGroupId: Json = getAtt(SERVICE_SECURITY_GROUP, "GroupId");
