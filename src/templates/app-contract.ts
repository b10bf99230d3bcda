/**
 * What an app stack offers the rest of racknet: the names of its Outputs and of the
 * parameters that carry the rack's facts. The app
 * template (app.ts) defines them from here; nothing else spells them.
 */
import { APP_ID_PREFIX } from "../names/index.js";
import { RackOutput } from "../names/rack-outputs.js";
import { LOAD_BALANCERS, type EndpointKind, type LoadBalancerOutputs, type Visibility } from "../rack/load-balancers.js";
import { join, thisStackUuid, type Json } from "./cfn.js";

/** Parameters of every app stack; the first six carry the rack outputs of the same names. */
export const AppParameter = {
  Cluster: RackOutput.Cluster,
  ServiceSubnets: RackOutput.ServiceSubnets,
  AssignPublicIp: RackOutput.AssignPublicIp,
  VpcId: RackOutput.VpcId,
  NetworkSecurityGroup: RackOutput.NetworkSecurityGroup,
  LogGroup: RackOutput.LogGroup,
  /** The rack CA's certificate (PEM), given to every service as RACKNET_CA_CERT. */
  RackCaCert: "RackCaCert",
  /** The rack's Domain parameter: external services answer at `<service>.<app>.<Domain>`. */
  Domain: "Domain",
  /** `racknet apps params set Exec=Yes`: the task role ECS Exec needs, and execute command on every service. */
  Exec: "Exec",
  /** The rack's HostedZoneId: the public zone of the Domain, where the stack validates its certificates and names its services; empty for none. */
  HostedZoneId: "HostedZoneId",
  /**
   * The app's `*.<app>.<Domain>` certificate when racknet requested it outside the stack (a rack
   * without HostedZoneId), once ACM has issued it; empty while it is pending (docs/decisions.md).
   */
  ExternalCertificateArn: "ExternalCertificateArn",
} as const;

/** The condition an app's ECS Exec resources and properties hang on. */
export const EXEC_ENABLED = "ExecEnabled";

/**
 * Parameters an app stack declares for each load balancer it uses: the rack's outputs of the
 * same names (src/rack/load-balancers.ts holds them; the type below proves each is a rack output).
 */
export const KindParameters: Record<EndpointKind, LoadBalancerOutputs> = {
  external: LOAD_BALANCERS.external.outputs,
  internal: LOAD_BALANCERS.internal.outputs,
  router: LOAD_BALANCERS.router.outputs,
};

/** Parameter values that do not come from the rack's Outputs. */
export const NON_RACK_OUTPUT_PARAMETERS = [AppParameter.RackCaCert, AppParameter.Domain, AppParameter.HostedZoneId, AppParameter.ExternalCertificateArn, AppParameter.Exec] as const;

/**
 * The certificate of a service's `domain:` names when racknet requested it outside the stack,
 * once issued (empty while pending): `WebDomainCertificateArn`. Not a rack fact: a deploy sets it.
 */
export function domainCertificateParameter(service: string): string {
  return `${logicalName(service)}DomainCertificateArn`;
}

/** True for the parameters `domainCertificateParameter` names. */
export function isDomainCertificateParameter(name: string): boolean {
  return /^[A-Za-z0-9]+DomainCertificateArn$/.test(name);
}

/** `my-api` → `MyApi`: the service's part of every logical id and output name. */
export function logicalName(service: string): string {
  return service
    .split("-")
    .filter(Boolean)
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join("");
}

/** The logical ids of a service's ECS service and task definition in the app template: spelled only here. */
export function serviceIds(service: string): { service: string; taskDefinition: string } {
  const id = logicalName(service);
  return { service: `${id}Service`, taskDefinition: `${id}TaskDefinition` };
}

/** Each service's ECS service and task definition, by logical id → the service's name (for the plan's words). */
export function serviceLogicalIds(services: readonly string[]): Record<string, string> {
  return Object.fromEntries(services.flatMap((service) => [serviceIds(service).service, serviceIds(service).taskDefinition].map((id) => [id, service])));
}

export function kindName(kind: EndpointKind): "External" | "Internal" | "Router" {
  return kind === "external" ? "External" : kind === "internal" ? "Internal" : "Router";
}

/**
 * Output: the ECS service's name (CloudFormation generates it). The only output per service:
 * a stack holds 200 outputs, and endpoints are known without one (app-endpoints.ts,
 * `deployedEndpoint`), so an app of up to 200 services fits.
 */
export function serviceNameOutput(service: string): string {
  return `Service${logicalName(service)}Name`;
}

/** The key of the app template's Metadata that records its services (read by rack changes and `racknet services`). */
export const METADATA_KEY = "Racknet";

/** What an app stack records about itself in its template's Metadata, so rack changes can check running apps without their convox.yml. */
export interface AppStackMetadata {
  app: string;
  rack: string;
  version: string;
  services: ServiceRecord[];
  /**
   * Each `port:` service's `timeout` is recorded (absent when it has none). Absent: an app
   * deployed before racknet recorded timeouts, whose services' timeouts the metadata cannot tell.
   */
  timeoutsRecorded?: true;
  /** `resources:` as deployed (absent in apps deployed before issue 29, and in apps without any). */
  resources?: ResourceRecord[];
  /** `budget:` as deployed, without its webhook URL (absent in apps without one). */
  budget?: BudgetRecord;
}

/**
 * The app's budget as `racknet apps info` shows it (issue 28). Dollars and percentages are
 * text: a template's Metadata takes whole numbers only (cfn-lint E4002).
 */
export interface BudgetRecord {
  name: string;
  monthlyCapUsd: string;
  alertThresholdPercent: string;
  pricingAdjustment: string;
  atCapAction: "alert-only" | "auto-shutdown";
  neverAutoShutdown: string[];
  shutdownOrder: "largest-cost" | "newest";
  notifyBeforeMinutes: number;
  recoveryMode: "auto-on-reset" | "manual";
}

/** One resource as deployed: what `racknet resources` shows, what `apps delete` guards, what the plan prices. */
export interface ResourceRecord {
  name: string;
  /** `type:` as written (`postgres`, `rds-postgres`, ...). */
  type: string;
  engine: string;
  version: string;
  class: string;
  /** GiB (RDS); 0 for a cache. */
  storage: number;
  durable: boolean;
  nodes: number;
  /** The services that list it. */
  services: string[];
}

/** One service as deployed: how it is reached and what it runs (sizes absent in apps deployed by older racknet). */
export interface ServiceRecord {
  name: string;
  visibility: Visibility;
  port?: number;
  /** Fargate CPU units and MiB per task. */
  cpu?: number;
  memory?: number;
  /** Desired tasks; min < max when it autoscales. */
  count?: { min: number; max: number };
  /** CIDRs its endpoints admit; absent: whoever its load balancers admit. */
  whitelist?: string[];
  /** Its `domain:` names (absent: none, or deployed by an older racknet). */
  domains?: string[];
  /** Its listeners on the app's network load balancers (`nlb:`, `balancers:`); absent: none. */
  nlb?: { port: number; protocol: "tcp" | "tls"; scheme: "public" | "internal"; containerPort: number }[];
  /** Its `timeout` when it has a `port:`: what the rack's LoadBalancerIdleTimeout must stay at least (absent: none, or an older racknet). */
  timeout?: number;
}

/** `ap-<uuid of this stack>` (SPEC section 5), resolved by CloudFormation: the stack id exists only once it is created. */
export const APP_ID_EXPRESSION: Json = join("", [APP_ID_PREFIX, thisStackUuid]);
