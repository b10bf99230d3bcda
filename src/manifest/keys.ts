/**
 * The convox.yml keys Convox accepts that racknet reads but does not act on. They parse
 * without error (a Convox user's manifest keeps working) and each one produces a warning
 * naming the key and its line. The schema (schema.ts) is built from these lists.
 */

export interface IgnoredKey {
  key: string;
  /** What Convox does with it; shown in editors and in the warning. */
  convox: string;
  /** What to do instead with racknet, when there is something; the warning's fix. */
  racknet?: string;
}

export const IGNORED_TOP_LEVEL_KEYS: readonly IgnoredKey[] = [
  { key: "environment", convox: "variables given to every service", racknet: "put the variables in each service's environment:" },
  { key: "resources", convox: "databases and caches (postgres, redis, ...) Convox creates for the app", racknet: "create the database yourself and pass its URL in the services' environment:" },
  { key: "timers", convox: "scheduled commands", racknet: "run scheduled work from a service of its own, or an EventBridge schedule outside racknet" },
  { key: "balancers", convox: "custom TCP load balancers" },
  { key: "params", convox: "app parameters" },
  { key: "appSettings", convox: "app-wide settings such as log retention" },
  { key: "configs", convox: "configuration files mounted into services" },
];

export const IGNORED_SERVICE_KEYS: readonly IgnoredKey[] = [
  { key: "accessControl", convox: "access control settings" },
  { key: "agent", convox: "runs one process per instance (an agent)" },
  { key: "annotations", convox: "Kubernetes annotations" },
  { key: "certificate", convox: "the duration of the service's certificate" },
  { key: "configMounts", convox: "configuration files mounted into the service" },
  { key: "deployment", convox: "minimum and maximum healthy percentage during a deployment" },
  { key: "dnsConfig", convox: "the resolver's ndots setting" },
  { key: "domain", convox: "custom domains for the service", racknet: "external services answer at <service>.<app>.<Domain>: set the rack's Domain (racknet rack params set Domain=example.com) and point a CNAME at it" },
  { key: "drain", convox: "seconds to drain connections before a process stops" },
  { key: "grpcHealthEnabled", convox: "gRPC health checks" },
  { key: "ingressAnnotations", convox: "ingress annotations" },
  { key: "init", convox: "an init process in the container" },
  { key: "labels", convox: "labels on the service's resources" },
  { key: "lifecycle", convox: "preStop and postStart hooks" },
  { key: "liveness", convox: "a liveness check" },
  { key: "nlb", convox: "network load balancer ports" },
  { key: "ports", convox: "extra ports reachable inside the rack" },
  { key: "privileged", convox: "privileged containers" },
  { key: "resources", convox: "links to the app's resources", racknet: "pass the resource's URL in environment:" },
  { key: "singleton", convox: "at most one process during deployments" },
  { key: "sticky", convox: "sticky load-balancer sessions" },
  { key: "termination", convox: "the grace period before a stopped process is killed" },
  { key: "test", convox: "the command `convox test` runs" },
  { key: "timeout", convox: "the load balancer's request timeout" },
  { key: "tls", convox: "TLS redirect settings" },
  { key: "volumeOptions", convox: "volume settings" },
  { key: "volumes", convox: "volumes mounted into the service" },
  { key: "whitelist", convox: "CIDRs allowed to reach the service" },
];

/** Keys under `scale:` that racknet does not act on (autoscaling). */
export const IGNORED_SCALE_KEYS: readonly IgnoredKey[] = [
  { key: "targets", convox: "autoscaling targets" },
  { key: "limit", convox: "CPU and memory limits above the reservation" },
];

/** Keys under `build:` besides `path` and `manifest`. */
export const IGNORED_BUILD_KEYS: readonly IgnoredKey[] = [{ key: "args", convox: "docker build arguments" }];

export function ignoredKey(list: readonly IgnoredKey[], key: string): IgnoredKey | undefined {
  return list.find((candidate) => candidate.key === key);
}
