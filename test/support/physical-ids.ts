import { createHash } from "node:crypto";
import type { Json, Resource } from "../../src/templates/cfn.js";

/**
 * Physical ids and attributes for the in-memory CloudFormation: what AWS would name each
 * resource, shaped like the real thing (subnet-…, sg-…, listener ARNs, Elastic IPs) and
 * deterministic, so a stack's Outputs are plain strings that the next stack takes as
 * parameters, as they are in AWS.
 */

export const ACCOUNT = "123456789012";
export const REGION = "us-east-1";

export interface StackIdentity {
  name: string;
  id: string;
}

function hash(...parts: string[]): string {
  return createHash("sha256").update(parts.join("/")).digest("hex");
}

const PREFIXED: Readonly<Record<string, string>> = {
  "AWS::EC2::VPC": "vpc-",
  "AWS::EC2::Subnet": "subnet-",
  "AWS::EC2::SecurityGroup": "sg-",
  "AWS::EC2::RouteTable": "rtb-",
  "AWS::EC2::InternetGateway": "igw-",
  "AWS::EC2::NatGateway": "nat-",
};

/** The value `Ref` returns for a resource of this type. */
export function physicalId(stack: StackIdentity, logicalId: string, type: string): string {
  const digest = hash(stack.id, logicalId);
  const prefix = PREFIXED[type];
  if (prefix) return `${prefix}${digest.slice(0, 17)}`;
  switch (type) {
    case "AWS::EC2::EIP":
      return `203.0.113.${(parseInt(digest.slice(0, 4), 16) % 250) + 1}`;
    case "AWS::Route53::HostedZone":
      return `Z${digest.slice(0, 20).toUpperCase()}`;
    case "AWS::ElasticLoadBalancingV2::LoadBalancer":
      return `arn:aws:elasticloadbalancing:${REGION}:${ACCOUNT}:loadbalancer/app/${shortName(stack, logicalId)}/${digest.slice(0, 16)}`;
    case "AWS::ElasticLoadBalancingV2::Listener":
      return `arn:aws:elasticloadbalancing:${REGION}:${ACCOUNT}:listener/app/${shortName(stack, logicalId)}/${digest.slice(0, 16)}/${digest.slice(16, 32)}`;
    case "AWS::ElasticLoadBalancingV2::ListenerRule":
      return `arn:aws:elasticloadbalancing:${REGION}:${ACCOUNT}:listener-rule/app/${shortName(stack, logicalId)}/${digest.slice(0, 16)}`;
    case "AWS::S3::Bucket":
      return `${stack.name}-${logicalId}-${digest.slice(0, 12)}`.toLowerCase();
    default:
      return `${stack.name}-${logicalId}-${digest.slice(0, 12).toUpperCase()}`;
  }
}

function shortName(stack: StackIdentity, logicalId: string): string {
  return `${stack.name}-${logicalId}`.slice(0, 32);
}

/** `Fn::GetAtt` on a resource: the attributes racknet's outputs read, and a recognisable stand-in for the rest. */
export function attribute(stack: StackIdentity, logicalId: string, resource: Resource, name: string, physical: string): string {
  const digest = hash(stack.id, logicalId, name);
  const property = resource.Properties?.[name];
  if (typeof property === "string") return property;
  switch (name) {
    case "DNSName": {
      const internal = resource.Properties?.Scheme === "internal" ? "internal-" : "";
      return `${internal}${shortName(stack, logicalId)}-${digest.slice(0, 10)}.${REGION}.elb.amazonaws.com`.toLowerCase();
    }
    case "CanonicalHostedZoneID":
      return "Z35SXDOTRQ7X7K";
    case "GroupId":
      return physical;
    case "Arn":
      return physical.startsWith("arn:") ? physical : `arn:aws:${resource.Type.split("::")[1]?.toLowerCase() ?? "unknown"}:${REGION}:${ACCOUNT}:${physical}`;
    default:
      return `${physical}.${name}`;
  }
}

/**
 * Resolve what the evaluator left: references to resources, and the functions over them.
 * Anything else that cannot become a string is a gap in this harness, and says so.
 */
export function resolvePhysical(value: Json, lookup: { ref: (logicalId: string) => string; getAtt: (logicalId: string, name: string) => string }): Json {
  if (Array.isArray(value)) return value.map((item) => resolvePhysical(item, lookup));
  if (value === null || typeof value !== "object") return value;
  const entries = Object.entries(value);
  const [fn, args] = entries.length === 1 ? (entries[0] as [string, Json]) : ["", null];
  switch (fn) {
    case "Ref":
      return lookup.ref(String(args));
    case "Fn::GetAtt": {
      const [logicalId, name] = Array.isArray(args) ? args.map(String) : String(args).split(".");
      return lookup.getAtt(logicalId ?? "", name ?? "");
    }
    case "Fn::Join": {
      const [separator, items] = args as [string, Json];
      const resolved = resolvePhysical(items, lookup);
      if (!Array.isArray(resolved)) throw new Error(`in-memory CloudFormation cannot join ${JSON.stringify(items)}`);
      return resolved.map(String).join(separator);
    }
    case "Fn::Sub": {
      const [text, variables] = typeof args === "string" ? [args, {}] : (args as [string, Record<string, Json>]);
      return text.replace(/\$\{([^}]+)\}/g, (_whole, name: string) => {
        const variable = variables[name];
        if (variable !== undefined) return String(resolvePhysical(variable, lookup));
        const [logicalId, attributeName] = name.split(".");
        return attributeName ? lookup.getAtt(logicalId ?? "", attributeName) : lookup.ref(name);
      });
    }
    default:
      return Object.fromEntries(entries.map(([key, item]) => [key, resolvePhysical(item, lookup)]));
  }
}
