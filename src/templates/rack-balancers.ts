import { getAtt, ref, select, split, type Json, type Resource, type TemplateFragment } from "./cfn.js";
import { serviceSubnetList, subnetList } from "./rack-network.js";
import { LIST_SLOTS, RackCondition, RackResource, balancerIds, rackTags, routerCidrCondition, type BalancerKind } from "./rack-ids.js";

/**
 * The rack's application load balancers: external (internet-facing, unless
 * InternalOnly=Yes), internal (Internal=Yes, reachable from the VPC only) and the
 * internal router (InternalRouter=true, reachable from the peered CIDRs). Each has the
 * same two listeners: 80 redirects to 443; 443 is HTTPS with the rack's certificate
 * and answers 404 until an app adds a rule for its host.
 */

const TLS_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06";
const WEB_PORTS = [80, 443] as const;

interface BalancerSpec {
  kind: BalancerKind;
  condition: string;
  scheme: "internet-facing" | "internal";
  subnets: Json;
  purpose: string;
  /** Inline ingress of the balancer's security group; the router adds its own per CIDR slot. */
  ingress: Json[];
  dependsOn?: string;
}

function ingressRule(port: number, cidrIp: Json, source: string): Record<string, Json> {
  return { IpProtocol: "tcp", FromPort: port, ToPort: port, CidrIp: cidrIp, Description: `${source} on ${port}` };
}

function webIngress(cidrIp: Json, source: string): Json[] {
  return WEB_PORTS.map((port) => ingressRule(port, cidrIp, source));
}

function balancer(spec: BalancerSpec): Record<string, Resource> {
  const ids = balancerIds(spec.kind);
  const when = { Condition: spec.condition };
  return {
    [ids.securityGroup]: {
      Type: "AWS::EC2::SecurityGroup",
      ...when,
      Properties: {
        GroupDescription: `racknet ${spec.purpose} load balancer`,
        VpcId: ref(RackResource.Vpc),
        ...(spec.ingress.length > 0 ? { SecurityGroupIngress: spec.ingress } : {}),
        Tags: rackTags(`${spec.kind.toLowerCase()}-lb`),
      },
    },
    [ids.balancer]: {
      Type: "AWS::ElasticLoadBalancingV2::LoadBalancer",
      ...when,
      ...(spec.dependsOn ? { DependsOn: spec.dependsOn } : {}),
      Properties: {
        Type: "application",
        Scheme: spec.scheme,
        Subnets: spec.subnets,
        SecurityGroups: [getAtt(ids.securityGroup, "GroupId")],
        LoadBalancerAttributes: [{ Key: "routing.http.drop_invalid_header_fields.enabled", Value: "true" }],
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
        Certificates: [{ CertificateArn: ref("RackCertificateArn") }],
        DefaultActions: [
          { Type: "fixed-response", FixedResponseConfig: { StatusCode: "404", ContentType: "text/plain", MessageBody: "no service answers at this host" } },
        ],
      },
    },
  };
}

function routerIngress(name: string, condition: string, cidrIp: Json, source: string): Record<string, Resource> {
  const resources: Record<string, Resource> = {};
  for (const port of WEB_PORTS) {
    resources[`${name}Port${port}`] = {
      Type: "AWS::EC2::SecurityGroupIngress",
      Condition: condition,
      Properties: { GroupId: getAtt(balancerIds("Router").securityGroup, "GroupId"), ...ingressRule(port, cidrIp, source) },
    };
  }
  return resources;
}

/** One ingress pair per InternalRouterCidrs slot; the VPC CIDR when the list is empty. */
function routerCidrSlots(): Record<string, Resource> {
  const resources = routerIngress("RouterFromVpc", RackCondition.RouterAdmitsVpcCidr, ref("VPCCIDR"), "the rack VPC");
  for (const slot of LIST_SLOTS) {
    const cidrIp = select(slot - 1, split(",", ref("InternalRouterCidrs")));
    Object.assign(resources, routerIngress(`RouterFromCidr${slot}`, routerCidrCondition(slot), cidrIp, `internal_router_cidrs entry ${slot}`));
  }
  return resources;
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
        dependsOn: RackResource.InternetGatewayAttachment,
      }),
      ...balancer({
        kind: "Internal",
        condition: RackCondition.Internal,
        scheme: "internal",
        subnets: serviceSubnetList(),
        purpose: "internal",
        ingress: webIngress(ref("VPCCIDR"), "the rack VPC"),
      }),
      ...balancer({
        kind: "Router",
        condition: RackCondition.Router,
        scheme: "internal",
        subnets: serviceSubnetList(),
        purpose: "internal router",
        ingress: [],
      }),
      ...routerCidrSlots(),
    },
  };
}
