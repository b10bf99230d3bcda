import { getAtt, iff, ref, select, split, type Json, type Resource, type TemplateFragment } from "./cfn.js";
import { rackVpcId, serviceSubnetList, subnetList } from "./rack-network.js";
import { LIST_SLOTS, RackCondition, RackResource, balancerIds, rackTags, routerCidrCondition, type BalancerKind, type ListSlot } from "./rack-ids.js";
import { RackParameter } from "../names/rack-parameters.js";

/**
 * The rack's application load balancers: external (internet-facing, unless
 * InternalOnly=Yes), internal (Internal=Yes, reachable from the VPC only) and the
 * internal router (InternalRouter=true, reachable from the peered CIDRs). Each has the
 * same two listeners: 80 redirects to 443; 443 is HTTPS with the rack's certificate
 * and answers 404 until an app adds a rule for its host. The internal and router HTTPS
 * listeners also carry one certificate holding every app's wildcard name on them, so the
 * number of apps is bound by the listener's rules and target groups, never by the 25
 * certificates an ALB takes (docs/rack-template.md, "Certificates").
 */

const TLS_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06";
const WEB_PORTS = [80, 443] as const;

interface BalancerSpec {
  kind: BalancerKind;
  condition: string;
  scheme: "internet-facing" | "internal";
  subnets: Json;
  purpose: string;
  /** Inline ingress of the balancer's security group: a list, or an Fn::If choosing one. */
  ingress: Json;
  /** Created after this resource when the condition holds (the internet-facing balancer after the internet gateway is attached). */
  after?: { resource: string; condition: string };
  /** The certificate of the apps' wildcard names, when the listener has one. */
  appsCertificate?: { parameter: string; condition: string };
  /** A second security group of the balancer, when its condition holds (the router's clients behind a transit gateway). */
  moreIngress?: { securityGroup: string; condition: string };
}

function ingressRule(port: number, cidrIp: Json, source: string): Record<string, Json> {
  return { IpProtocol: "tcp", FromPort: port, ToPort: port, CidrIp: cidrIp, Description: `${source} on ${port}` };
}

export function webIngress(cidrIp: Json, source: string): Json[] {
  return WEB_PORTS.map((port) => ingressRule(port, cidrIp, source));
}

function balancer(spec: BalancerSpec): Record<string, Resource> {
  const ids = balancerIds(spec.kind);
  const when = { Condition: spec.condition };
  const appsCertificate: Record<string, Resource> = spec.appsCertificate
    ? {
        [ids.appsCertificate]: {
          Type: "AWS::ElasticLoadBalancingV2::ListenerCertificate",
          Condition: spec.appsCertificate.condition,
          Properties: { ListenerArn: ref(ids.httpsListener), Certificates: [{ CertificateArn: ref(spec.appsCertificate.parameter) }] },
        },
      }
    : {};
  return {
    ...appsCertificate,
    [ids.securityGroup]: {
      Type: "AWS::EC2::SecurityGroup",
      ...when,
      Properties: {
        GroupDescription: `racknet ${spec.purpose} load balancer`,
        VpcId: rackVpcId(),
        SecurityGroupIngress: spec.ingress,
        Tags: rackTags(`${spec.kind.toLowerCase()}-lb`),
      },
    },
    [ids.balancer]: {
      Type: "AWS::ElasticLoadBalancingV2::LoadBalancer",
      ...when,
      // A DependsOn may not name a resource whose Condition is false (CloudFormation: "Unresolved
      // resource dependencies"), and an existing VPC has no attachment of the rack's: the
      // dependency is a Ref under Fn::If instead, which CloudFormation follows like a DependsOn.
      ...(spec.after ? { Metadata: { "racknet:after": iff(spec.after.condition, ref(spec.after.resource), "") } } : {}),
      Properties: {
        Type: "application",
        Scheme: spec.scheme,
        Subnets: spec.subnets,
        SecurityGroups: spec.moreIngress
          ? iff(spec.moreIngress.condition, [getAtt(ids.securityGroup, "GroupId"), getAtt(spec.moreIngress.securityGroup, "GroupId")], [getAtt(ids.securityGroup, "GroupId")])
          : [getAtt(ids.securityGroup, "GroupId")],
        LoadBalancerAttributes: [
          { Key: "routing.http.drop_invalid_header_fields.enabled", Value: "true" },
          // Every app's port: services share it; a deploy checks each service's timeout against it (src/manifest/rules.ts).
          { Key: "idle_timeout.timeout_seconds", Value: ref(RackParameter.LoadBalancerIdleTimeout) },
        ],
        Tags: rackTags(spec.kind.toLowerCase()),
      },
    },
    [ids.httpListener]: {
      Type: "AWS::ElasticLoadBalancingV2::Listener",
      ...when,
      Properties: {
        LoadBalancerArn: ref(ids.balancer),
        Protocol: "HTTP",
        Port: 80,
        DefaultActions: [{ Type: "redirect", RedirectConfig: { Protocol: "HTTPS", Port: "443", StatusCode: "HTTP_301" } }],
      },
    },
    [ids.httpsListener]: {
      Type: "AWS::ElasticLoadBalancingV2::Listener",
      ...when,
      Properties: {
        LoadBalancerArn: ref(ids.balancer),
        Protocol: "HTTPS",
        Port: 443,
        SslPolicy: TLS_POLICY,
        Certificates: [{ CertificateArn: ref(RackParameter.RackCertificateArn) }],
        DefaultActions: [
          { Type: "fixed-response", FixedResponseConfig: { StatusCode: "404", ContentType: "text/plain", MessageBody: "no service answers at this host" } },
        ],
      },
    },
  };
}

/**
 * The router's ingress: each InternalRouterCidrs entry, or the VPC CIDR when the list is
 * empty, on 80 and 443. Inline rules are one set that CloudFormation updates by content
 * (it revokes the rules no longer listed and authorizes the new ones), so removing,
 * reordering or re-listing entries never creates a rule that already exists nor revokes
 * one still listed. Separate ingress resources per list slot did both: a slot whose CIDR
 * changes is replaced, its new rule created while another slot still holds it (EC2:
 * InvalidPermission.Duplicate) and the old one revoked afterwards for every holder.
 * The description names no slot, so the same CIDR is the same rule wherever it is listed.
 */
function routerIngress(): Json {
  const rules = (cidrIp: Json) => webIngress(cidrIp, "router clients");
  const entry = (slot: ListSlot) => rules(select(slot - 1, split(",", ref(RackParameter.InternalRouterCidrs))));
  // The whole list chosen by its length, never AWS::NoValue inside a list: emulators keep
  // the removed element (see docs/rack-template.md, "Decisions").
  let chosen: Json = rules(ref(RackParameter.VPCCIDR));
  for (const count of LIST_SLOTS) chosen = iff(routerCidrCondition(count), LIST_SLOTS.filter((slot) => slot <= count).flatMap(entry), chosen);
  return chosen;
}

export function balancersFragment(): TemplateFragment {
  return {
    Resources: {
      ...balancer({
        kind: "External",
        condition: RackCondition.External,
        scheme: "internet-facing",
        subnets: subnetList("public"),
        purpose: "external",
        ingress: webIngress("0.0.0.0/0", "the internet"),
        after: { resource: RackResource.InternetGatewayAttachment, condition: RackCondition.OwnNetwork },
      }),
      ...balancer({
        kind: "Internal",
        condition: RackCondition.Internal,
        scheme: "internal",
        subnets: serviceSubnetList(),
        purpose: "internal",
        ingress: webIngress(ref(RackParameter.VPCCIDR), "the rack VPC"),
        appsCertificate: { parameter: RackParameter.InternalAppsCertificateArn, condition: RackCondition.InternalAppsCertificate },
      }),
      ...balancer({
        kind: "Router",
        condition: RackCondition.Router,
        scheme: "internal",
        subnets: serviceSubnetList(),
        purpose: "internal router",
        ingress: routerIngress(),
        appsCertificate: { parameter: RackParameter.RouterAppsCertificateArn, condition: RackCondition.RouterAppsCertificate },
        moreIngress: { securityGroup: RackResource.RouterTransitGatewaySecurityGroup, condition: RackCondition.TransitGatewayRouter },
      }),
    },
  };
}
