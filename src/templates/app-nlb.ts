/**
 * The app's network load balancers (`nlb:` ports and `balancers:`): at most two per app, one
 * internet-facing (in the rack's public subnets) and one internal (in the subnets the services
 * run in), made only when a port asks for that scheme. Each port is a listener (TCP, or TLS
 * ended with the port's certificate) forwarding to a target group of the service's tasks (target
 * type ip, as Fargate needs), plain TCP to the container port.
 *
 * Per app, not per rack (docs/decisions.md): an app's ports never collide with another app's,
 * adding one needs no rack update, and deleting the app takes its load balancers with it.
 *
 * Who may connect: each load balancer has a security group admitting exactly each listener's
 * port from its `allow_cidr` (else anyone for public, the rack's VPC for internal); the app's
 * service group admits the container port from that group only. Security groups must be given
 * when a network load balancer is created (docs/aws-limits.md), so they always are. Pure.
 */
import { NLB_TCP_IDLE_MIN_SECONDS, NLB_TLS_IDLE_SECONDS } from "../manifest/value-rules.js";
import type { Manifest, NlbPort, NlbScheme, Service } from "../manifest/model.js";
import { RackOutput } from "../names/rack-outputs.js";
import { AppParameter, logicalName } from "./app-contract.js";
import { type Json, type Resource, type TemplateFragment, getAtt, ref, split } from "./cfn.js";

/** The app-stack parameters the network load balancers need (rack outputs of the same names). */
export const NlbParameter = { PublicSubnets: RackOutput.PublicSubnets, VpcCidr: RackOutput.VpcCidr } as const;

/** A TCP listener's idle timeout when nothing sets it (docs/aws-limits.md). */
export const NLB_TCP_IDLE_DEFAULT_SECONDS = 350;

/** AWS's recommended policy for TLS listeners (TLS 1.3 and 1.2). */
export const NLB_TLS_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06";

const SCHEME_NAME: Record<NlbScheme, "Public" | "Internal"> = { public: "Public", internal: "Internal" };

export function nlbIds(scheme: NlbScheme): { loadBalancer: string; securityGroup: string; dnsOutput: string } {
  const name = SCHEME_NAME[scheme];
  return { loadBalancer: `NetworkLoadBalancer${name}`, securityGroup: `NetworkLoadBalancer${name}SecurityGroup`, dnsOutput: `NetworkLoadBalancer${name}Dns` };
}

/** One port's target group and listener: `ApiNlb5432TargetGroup`, `ApiNlb5432Listener`. */
export function nlbPortIds(service: string, port: number): { targetGroup: string; listener: string } {
  const name = logicalName(service);
  return { targetGroup: `${name}Nlb${port}TargetGroup`, listener: `${name}Nlb${port}Listener` };
}

/** The schemes the app's ports use, public first. */
export function nlbSchemes(manifest: Pick<Manifest, "services">): NlbScheme[] {
  const used = new Set(manifest.services.flatMap((service) => service.nlb.map((port) => port.scheme)));
  return (["public", "internal"] as const).filter((scheme) => used.has(scheme));
}

/** The sources a port admits: its allow_cidr, else anyone (public) or the rack's VPC (internal). */
export function nlbSources(port: NlbPort): Json[] {
  if (port.allowCidr.length > 0) return [...port.allowCidr];
  return port.scheme === "public" ? ["0.0.0.0/0"] : [ref(NlbParameter.VpcCidr)];
}

/**
 * The idle timeout of a TCP listener: the service's `timeout` (at least AWS's 60 s), or AWS's
 * default (350 s) when it has none. TLS listeners keep 350 s; nobody can change it.
 */
export function tcpIdleTimeout(service: Pick<Service, "timeout">): number | undefined {
  return service.timeout === undefined ? undefined : Math.max(NLB_TCP_IDLE_MIN_SECONDS, service.timeout);
}

export function nlbFragment(rack: string, app: string, manifest: Pick<Manifest, "services">): TemplateFragment {
  const resources: Record<string, Resource> = {};
  const outputs: NonNullable<TemplateFragment["Outputs"]> = {};
  for (const scheme of nlbSchemes(manifest)) {
    const ids = nlbIds(scheme);
    const ports = manifest.services.flatMap((service) => service.nlb.filter((port) => port.scheme === scheme));
    const ingress = ports.flatMap((port) =>
      nlbSources(port).map((source) => ({ IpProtocol: "tcp", FromPort: port.port, ToPort: port.port, CidrIp: source, Description: `${port.protocol.toUpperCase()} listener ${port.port}` })),
    );
    resources[ids.securityGroup] = {
      Type: "AWS::EC2::SecurityGroup",
      Properties: {
        GroupDescription: `racknet ${rack}/${app}: listeners of the ${scheme} network load balancer`,
        VpcId: ref(AppParameter.VpcId),
        SecurityGroupIngress: ingress,
        // Out only to the tasks (and their health checks) inside the VPC.
        SecurityGroupEgress: [{ IpProtocol: "tcp", FromPort: 0, ToPort: 65535, CidrIp: ref(NlbParameter.VpcCidr), Description: "to the app's tasks" }],
        Tags: [{ Key: "Name", Value: `${rack}-${app}-nlb-${scheme}` }],
      },
    };
    resources[ids.loadBalancer] = {
      Type: "AWS::ElasticLoadBalancingV2::LoadBalancer",
      Properties: {
        Type: "network",
        Scheme: scheme === "public" ? "internet-facing" : "internal",
        Subnets: split(",", ref(scheme === "public" ? NlbParameter.PublicSubnets : AppParameter.ServiceSubnets)),
        SecurityGroups: [getAtt(ids.securityGroup, "GroupId")],
        Tags: [{ Key: "Name", Value: `${rack}-${app}-nlb-${scheme}` }],
      },
    };
    outputs[ids.dnsOutput] = { Description: `The ${scheme} network load balancer's DNS name`, Value: getAtt(ids.loadBalancer, "DNSName") };
  }
  for (const service of manifest.services) {
    for (const port of service.nlb) Object.assign(resources, portResources(service, port));
  }
  return { Resources: resources, Outputs: outputs };
}

function portResources(service: Service, port: NlbPort): Record<string, Resource> {
  const ids = nlbPortIds(service.name, port.port);
  const idle = port.protocol === "tcp" ? tcpIdleTimeout(service) : undefined;
  const attributes: Json[] = [{ Key: "deregistration_delay.timeout_seconds", Value: String(service.drain) }];
  if (port.preserveClientIp !== undefined) attributes.push({ Key: "preserve_client_ip.enabled", Value: String(port.preserveClientIp) });
  if (port.crossZone !== undefined) attributes.push({ Key: "load_balancing.cross_zone.enabled", Value: String(port.crossZone) });
  return {
    [ids.targetGroup]: {
      Type: "AWS::ElasticLoadBalancingV2::TargetGroup",
      Properties: {
        TargetType: "ip",
        VpcId: ref(AppParameter.VpcId),
        Protocol: "TCP",
        Port: port.containerPort,
        HealthCheckProtocol: "TCP",
        TargetGroupAttributes: attributes,
      },
    },
    [ids.listener]: {
      Type: "AWS::ElasticLoadBalancingV2::Listener",
      Properties: {
        LoadBalancerArn: ref(nlbIds(port.scheme).loadBalancer),
        Port: port.port,
        Protocol: port.protocol === "tls" ? "TLS" : "TCP",
        ...(port.protocol === "tls" ? { Certificates: [{ CertificateArn: port.certificate ?? "" }], SslPolicy: NLB_TLS_POLICY } : {}),
        DefaultActions: [{ Type: "forward", TargetGroupArn: ref(ids.targetGroup) }],
        ...(idle !== undefined ? { ListenerAttributes: [{ Key: "tcp.idle_timeout.seconds", Value: String(idle) }] } : {}),
      },
    },
  };
}

/** The app security group's rules for the network load balancers: each container port from its load balancer's group only. */
export function nlbServiceIngress(services: readonly Service[]): Json[] {
  const seen = new Set<string>();
  return services.flatMap((service) =>
    service.nlb.flatMap((port) => {
      const key = `${port.scheme}:${port.containerPort}`;
      if (seen.has(key)) return [];
      seen.add(key);
      return [{ IpProtocol: "tcp", FromPort: port.containerPort, ToPort: port.containerPort, SourceSecurityGroupId: getAtt(nlbIds(port.scheme).securityGroup, "GroupId"), Description: `${port.scheme} network load balancer to port ${port.containerPort}` }];
    }),
  );
}

/**
 * What the plan says about the app's network load balancers: per load balancer, each listener,
 * the service and port it reaches, who may connect and how long a connection may idle.
 */
export function networkLoadBalancerNotes(manifest: Pick<Manifest, "services">): string[] {
  return nlbSchemes(manifest).map((scheme) => {
    const listeners = manifest.services.flatMap((service) =>
      service.nlb
        .filter((port) => port.scheme === scheme)
        .map((port) => {
          const sources = port.allowCidr.length > 0 ? port.allowCidr.join(", ") : scheme === "public" ? "anywhere" : "the VPC";
          const idle = port.protocol === "tls" ? `idle ${NLB_TLS_IDLE_SECONDS} s, fixed for TLS` : `idle ${tcpIdleTimeout(service) ?? NLB_TCP_IDLE_DEFAULT_SECONDS} s`;
          return `${port.port}/${port.protocol} → ${service.name}:${port.containerPort} from ${sources} (${idle})`;
        }),
    );
    return `the app's ${scheme === "public" ? "public (internet-facing)" : "internal"} network load balancer: ${listeners.join("; ")}`;
  });
}
