/**
 * The typed model of a convox.yml, with Convox's defaults applied. Produced by the parser
 * (src/manifest/parse.ts), consumed by the rules, the app template and `manifest check`.
 * Every field here reaches the app template or is listed, with the reason, in
 * src/templates/app-contract-fields.ts (a test keeps the two honest).
 */
import { VISIBILITY_KINDS, type EndpointKind, type Visibility } from "../rack/load-balancers.js";
import type { RackParams } from "../rack/params.js";
import type { ResourceEngine } from "./resource-types.js";

export type { EndpointKind, Visibility } from "../rack/load-balancers.js";

export type Scheme = "http" | "https";

export interface ServicePort {
  port: number;
  /** The protocol the container speaks on `port` (the load balancer always speaks HTTPS to clients). */
  scheme: Scheme;
}

export interface EnvironmentEntry {
  key: string;
  /** The default (`NAME=value`); absent for `NAME` alone, which the app environment must set. */
  value?: string;
}

/** How the container is started, from `command:`. */
export interface ServiceCommand {
  /** As written (the list form joined by spaces), for display. */
  text: string;
  /** Exactly what ECS runs as the container's command (CMD; the image's ENTRYPOINT stays). */
  argv: string[];
  /** True when the string form needs a shell (`&&`, `|`, `$VAR`, ...) and runs as `sh -c TEXT`. */
  shell: boolean;
}

export interface BuildArg {
  name: string;
  /** Absent for `NAME` alone: the value comes from the app environment at build time. */
  value?: string;
}

/** `build:` (issue 10): the context, the Dockerfile and the build arguments. */
export interface ServiceBuild {
  /** The context, relative to the manifest's folder (`.` by default); never outside it. */
  path: string;
  /** The Dockerfile, relative to the context (`build.manifest`, default `Dockerfile`). */
  dockerfile: string;
  args: BuildArg[];
}

export interface ScaleTargets {
  /** Average CPU utilisation, percent. */
  cpu?: number;
  /** Average memory utilisation, percent. */
  memory?: number;
  /** Requests per target per minute on the service's load balancer. */
  requests?: number;
  /** Target tracking on CloudWatch metrics (`targets.custom`, a KEDA `aws-sqs-queue` trigger). */
  metrics?: ScaleMetric[];
}

/**
 * A CloudWatch metric a service's count tracks (Application Auto Scaling target tracking with
 * a customized metric):
 * - `cloudwatch`: a metric named in full (`targets.custom`, Convox 2);
 * - `sqs`: an SQS queue's backlog per running task (KEDA's `aws-sqs-queue`: queueLength is the messages one task handles;
 *   in-flight messages count unless `scaleOnInFlight: "false"`, as in KEDA);
 * - `queue`: Convox 3's `autoscale.queueDepth`, a depth published to CloudWatch in the app's namespace
 *   (src/names: appMetricNamespace) with the dimension `Service`; its Maximum per running task kept at
 *   `target` (KEDA's AverageValue), and `activation` the depth that wakes a service at 0 tasks.
 */
export type ScaleMetric =
  | { source: "cloudwatch"; namespace: string; metric: string; dimensions: Record<string, string>; statistic: MetricStatistic; target: number }
  | { source: "sqs"; queue: string; region?: string; /** Where the trigger is under `scale` (`keda.triggers[0]`). */ key: string; inFlight: boolean; target: number }
  | { source: "queue"; metric: string; target: number; activation: number };

export type MetricStatistic = "Average" | "Maximum" | "Minimum" | "Sum";

export interface ServiceScale {
  /** Tasks at least (and the desired count of a service that does not autoscale). */
  min: number;
  /** Tasks at most; above `min` with a target, the service autoscales. */
  max: number;
  /** CPU units (1024 = one vCPU) and memory in MiB, a Fargate size. */
  cpu: number;
  memory: number;
  targets: ScaleTargets;
  /** Seconds between scaling activities (Convox `cooldown`; default 60 both ways, as Convox). */
  cooldown: { up: number; down: number };
}

export interface ServiceHealth {
  path: string;
  /** Seconds ECS ignores failing load-balancer checks after a task starts. */
  grace: number;
  interval: number;
  timeout: number;
  /** `health.port`: the port the load balancer checks, when not the service's own; its scheme when written (else the service's). */
  port?: { port: number; scheme?: ServicePort["scheme"] };
}

/** What one probe requests: an HTTP path on a port of the task, or a TCP connection to a port. */
export type ProbeCheck = { path: string; port: number } | { tcpPort: number };

/**
 * `liveness` and `startupProbe` (Convox 3) as one ECS container health check that replaces an
 * unhealthy task. It runs in a sidecar that shares the task's network (src/templates/app-probe.ts),
 * so it needs nothing from the service's image, and keeps Kubernetes' semantics itself: the
 * startup check until it first succeeds (failing only once its budget is spent), then the
 * liveness check after its grace, failing after `failureThreshold` failures in a row.
 */
export interface ServiceProbe {
  /** Seconds between checks: the liveness check's (the startup probe's when there is no liveness check). */
  interval: number;
  liveness?: { check: ProbeCheck; grace: number; timeout: number; failureThreshold: number };
  /** `budget`: seconds from the task's start before a startup check that has never succeeded fails (grace + interval × failureThreshold). */
  startup?: { check: ProbeCheck; timeout: number; budget: number };
}

export type NlbProtocol = "tcp" | "tls";
export type NlbScheme = "public" | "internal";

/** One listener of a network load balancer (`nlb:` or a `balancers:` port). */
export interface NlbPort {
  port: number;
  protocol: NlbProtocol;
  containerPort: number;
  scheme: NlbScheme;
  /** An ACM or IAM server-certificate ARN, for `tls`. */
  certificate?: string;
  /** Absent: the load balancer's own setting (off for a network load balancer). */
  crossZone?: boolean;
  /** The only sources admitted (IPv4 CIDRs); empty: everyone the scheme allows. */
  allowCidr: string[];
  /** Absent: AWS's default for an IP target (off for TCP and TLS). */
  preserveClientIp?: boolean;
  /** The `balancers:` entry that declared it; absent for the service's own `nlb:`. */
  balancer?: string;
}

export interface Service {
  name: string;
  /** `image:` as written; a service with `build` gets its image from the build (an input of the template). */
  image?: string;
  build?: ServiceBuild;
  command?: ServiceCommand;
  port?: ServicePort;
  internal: boolean;
  internalAndExternal: boolean;
  internalRouter: boolean;
  links: string[];
  /** The top-level `environment:` entries, then the service's own (a later entry wins, as in Convox). */
  environment: EnvironmentEntry[];
  /** `environment: ["*"]`: every variable of the app environment. */
  environmentAll: boolean;
  scale: ServiceScale;
  health: ServiceHealth;
  /** ECS deployment configuration: healthy percent kept, percent run at most during a deployment. */
  deployment: { minimum: number; maximum: number };
  /** `drain`: seconds the load balancer lets requests finish (target group deregistration delay). */
  drain: number;
  /** `termination.grace`: seconds between SIGTERM and SIGKILL (container stop timeout); absent: ECS's 30. */
  terminationGrace?: number;
  /** Load-balancer cookie stickiness (Convox default: on). */
  sticky: boolean;
  /** `domain:`: the service's own public names (lower case), each with a host rule and on its public certificate. */
  domains: string[];
  /** `whitelist`: the only source CIDRs its load balancers forward; empty for everyone. */
  whitelist: string[];
  /** `init: true`: an init process as PID 1 (reaps zombies, forwards signals). */
  init: boolean;
  /** `liveness` and `startupProbe`; absent when neither is set. */
  probe?: ServiceProbe;
  /** `nlb:` and the `balancers:` that name this service: network load balancer listeners. */
  nlb: NlbPort[];
  /** `timeout`: seconds a request may stay idle on the load balancer (its idle timeout); absent: the rack's. */
  timeout?: number;
}

export interface Timer {
  name: string;
  /** The schedule as written. */
  schedule: string;
  /** The same schedule as an AWS cron expression (six fields), for EventBridge Scheduler. */
  cron: string;
  /** The service whose task definition (image, environment, size) runs the command. */
  service: string;
  command: ServiceCommand;
}

/** A database or cache of `resources:` (read-resources.ts), made as RDS or ElastiCache in the rack's network. */
export interface AppResource {
  name: string;
  /** `type:` as written (`postgres`, `rds-postgres`, ...). */
  type: string;
  engine: ResourceEngine;
  /** The exact engine version to create (a line such as `16` is read as its newest version). */
  version: string;
  /** The instance class (`db.t4g.micro`, `cache.t4g.micro`). */
  class: string;
  /** Allocated storage, GiB (RDS only). */
  storage: number;
  /** RDS Multi-AZ; Redis: a replica in another zone with automatic failover. */
  durable: boolean;
  /** RDS deletion protection: the database cannot be deleted until it is turned off. */
  deletionProtection: boolean;
  /** Days RDS keeps automated backups. */
  backupRetention: number;
  /** ElastiCache nodes (Redis: primary and replicas; Memcached: cluster nodes). */
  nodes: number;
  autoMinorVersionUpgrade: boolean;
  /** RDS: a `version` of a later major upgrades the database in place (Convox's default: allowed). */
  allowMajorVersionUpgrade: boolean;
  preferredBackupWindow?: string;
  preferredMaintenanceWindow?: string;
  /** The services that list it under `resources:`: the only tasks that can reach it, and those that get `<NAME>_URL`. */
  services: string[];
}

/** What the rules need besides the file: the app, the rack, and what is known of the rack. */
export interface ManifestContext {
  app: string;
  /** The rack's name; "rack" stands in when it is not known (offline checks). */
  rack?: string;
  /** The rack's parameters: given, the rack-aware rules run too. */
  params?: RackParams;
  /**
   * The external load balancer's DNS name (the rack's output), when known: without a Domain
   * the external listener rule matches `<service>.<app>.<this name>`, which must fit ALB's
   * 128-character host condition.
   */
  externalLoadBalancerDns?: string;
  /** The rack's region, when known: an SQS trigger's `awsRegion` must be it. */
  region?: string;
}

/** Where a key sits in the file the user wrote, as the editor shows it (1-based). */
export interface SourcePosition {
  line: number;
  column: number;
}

export interface Manifest {
  /** The file it came from, as the user named it. */
  file: string;
  services: Service[];
  timers: Timer[];
  /** `resources:`; absent in a model built by hand (tests, templates) that has none. */
  resources?: AppResource[];
  /** `budget:`; absent when the file has none. */
  budget?: AppBudget;
  /**
   * Where each key of the file starts, by key path (`services.api.port`, `services.web.links[0]`),
   * so a rule can name the line. Absent for a model built by hand (tests, templates).
   */
  positions?: ReadonlyMap<string, SourcePosition>;
}

/**
 * `budget:` as racknet builds it: an AWS Budgets budget on the app's cost (its resources'
 * racknet:rack and racknet:app tags) at `monthlyCapUsd / pricingAdjustment`, alerting at
 * `alertThresholdPercent` and at the cap; with `auto-shutdown`, the app's budget function
 * stops the eligible services `notifyBeforeMinutes` after the cap is reached.
 */
export interface AppBudget {
  monthlyCapUsd: number;
  alertThresholdPercent: number;
  pricingAdjustment: number;
  atCapAction: "alert-only" | "auto-shutdown";
  webhookUrl?: string;
  /** Services of the manifest that auto-shutdown never stops (names that are not services are dropped). */
  neverAutoShutdown: string[];
  shutdownOrder: "largest-cost" | "newest";
  notifyBeforeMinutes: number;
  recoveryMode: "auto-on-reset" | "manual";
}

export function visibility(service: Service): Visibility {
  // A service without a port is on no application load balancer, whatever its flags (an nlb-only service may say internal: true).
  if (!service.port) return "private";
  if (service.internalRouter) return "internal-router";
  if (service.internalAndExternal) return "internal-and-external";
  if (service.internal) return "internal";
  if (service.port) return "external";
  return "private";
}

/** The load balancers a service is served by, most private first. */
export function endpointKinds(service: Service): EndpointKind[] {
  return [...VISIBILITY_KINDS[visibility(service)]];
}

/**
 * True when the service's task count follows its targets (Application Auto Scaling): a range
 * of counts. A range without targets tracks 80% CPU (the parser fills it in), as Convox's
 * Kubernetes autoscaler does when no metric is named.
 */
export function autoscales(service: Service): boolean {
  return service.scale.max > service.scale.min;
}

/** True when a task of the service publishes a queue depth it scales on (`autoscale.queueDepth`). */
export function scalesOnQueueDepth(service: Service): boolean {
  return (service.scale.targets.metrics ?? []).some((metric) => metric.source === "queue");
}

export function resourcesOf(manifest: Manifest): AppResource[] {
  return manifest.resources ?? [];
}

/** The resources a service lists under `resources:`. */
export function resourcesLinkedBy(manifest: Manifest, service: string): AppResource[] {
  return resourcesOf(manifest).filter((resource) => resource.services.includes(service));
}

/** Every environment default the manifest sets: what output must never show (they are often secrets). */
export function environmentValues(manifest: Manifest): string[] {
  return [...new Set(manifest.services.flatMap((service) => service.environment.flatMap((entry) => (entry.value ? [entry.value] : []))))];
}
