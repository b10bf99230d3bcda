import { externalHost } from "../names/index.js";
import { HOST_CONDITION_MAX, LOAD_BALANCERS, ENDPOINT_KINDS, VISIBILITY_KINDS, type LoadBalancerKind, type Visibility } from "./load-balancers.js";
import { ALB_IDLE_TIMEOUT, RackParam, type ParamProblem, type RackParams } from "./params.js";
import { Flag } from "../names/flags.js";

export interface DeployedApp {
  app: string;
  services: { name: string; visibility: Visibility; domains?: string[]; nlb?: { port: number; protocol: "tcp" | "tls"; scheme: "public" | "internal"; containerPort: number }[]; timeout?: number }[];
  /** Its databases and caches (`resources:`), by name and engine. */
  resources?: { name: string; engine: string }[];
  /**
   * Its `port:` services whose `timeout` its stack does not tell (deployed before racknet recorded
   * it), with the most each can be when something bounds it; no service: none of them is recorded.
   */
  unknownTimeouts?: { service?: string; atMost?: number }[];
}

/** What to do before the parameter can take this load balancer away. */
const BEFORE_REMOVING: Record<LoadBalancerKind["kind"], string> = {
  external: "make each of them `internal: true` (and each public nlb: port `scheme: internal`) in its convox.yml and deploy, then set InternalOnly=Yes",
  internal: "remove `internal` / `internalAndExternal` from them and deploy first",
  router: "remove `internalRouter` from them and deploy first",
};

/**
 * "Never apply a change that would break a running app" (SPEC section 2): the new
 * parameters are checked against every deployed app's services, with the load balancers
 * each visibility needs (load-balancers.ts). Pure.
 */
export function appRuleProblems(current: RackParams, params: RackParams, apps: readonly DeployedApp[]): ParamProblem[] {
  return [...balancerProblems(params, apps), ...idleTimeoutProblems(current, params, apps)];
}

/**
 * LoadBalancerIdleTimeout below a deployed service's `timeout` would cut its long requests short
 * (the app stack records the timeout of each service a load balancer serves). Lowered while a
 * service's timeout cannot be known (an app deployed before racknet recorded it): refused too,
 * never let through unchecked.
 */
function idleTimeoutProblems(current: RackParams, params: RackParams, apps: readonly DeployedApp[]): ParamProblem[] {
  const idle = Number(params.LoadBalancerIdleTimeout);
  if (!Number.isInteger(idle)) return [];
  const problems: ParamProblem[] = [];
  const longer = apps.flatMap((app) => app.services.filter((service) => service.timeout !== undefined && service.timeout > idle).map((service) => ({ name: `${app.app}/${service.name}`, timeout: service.timeout ?? 0 })));
  if (longer.length > 0) {
    const longest = Math.max(...longer.map((service) => service.timeout));
    problems.push({
      param: RackParam.LoadBalancerIdleTimeout,
      message: `LoadBalancerIdleTimeout=${idle} would close idle connections sooner than these services' timeout allows: ${longer.map((service) => `${service.name} (timeout: ${service.timeout})`).join(", ")}`,
      fix: `keep LoadBalancerIdleTimeout at ${longest} or more, or lower their timeout in convox.yml and deploy first`,
    });
  }
  // Raising it (or keeping it) cuts nothing short that the current value does not.
  const was = Number(current.LoadBalancerIdleTimeout || ALB_IDLE_TIMEOUT.default);
  if (idle >= was) return problems;
  const unknown = apps.filter((app) => (app.unknownTimeouts ?? []).some((service) => service.atMost === undefined || service.atMost > idle));
  if (unknown.length > 0) {
    const named = unknown.map((app) => {
      const services = (app.unknownTimeouts ?? []).filter((service) => service.atMost === undefined || service.atMost > idle);
      return services.some((service) => service.service === undefined) ? `${app.app} (every service)` : services.map((service) => `${app.app}/${service.service}`).join(", ");
    });
    problems.push({
      param: RackParam.LoadBalancerIdleTimeout,
      message: `LoadBalancerIdleTimeout=${idle} cannot be checked against the timeout of these services: their apps were deployed by a racknet that did not record it, and their stacks do not tell it: ${named.join(", ")}`,
      fix: `deploy ${unknown.map((app) => app.app).join(", ")} again with this racknet (the stack then records each service's timeout), then run this again; or keep LoadBalancerIdleTimeout at ${was}`,
    });
  }
  return problems;
}

function balancerProblems(params: RackParams, apps: readonly DeployedApp[]): ParamProblem[] {
  // The order of the parameters a user reads about: InternalOnly, Internal, internal_router.
  const order = ENDPOINT_KINDS.map((kind) => LOAD_BALANCERS[kind]);
  return order
    .filter((balancer) => !balancer.provides(params))
    .flatMap((balancer) => {
      // A public network load balancer faces the internet as the external one does: InternalOnly=Yes takes both away.
      const facesInternet = (service: DeployedApp["services"][number]) => balancer.kind === "external" && (service.nlb ?? []).some((port) => port.scheme === "public");
      const services = apps.flatMap((app) =>
        app.services.filter((service) => balancer.visibilities.includes(service.visibility) || facesInternet(service)).map((service) => `${app.app}/${service.name}`),
      );
      if (services.length === 0) return [];
      return [{ param: balancer.param, message: `${balancer.absentBecause} removes ${balancer.title}, which these services use: ${services.join(", ")}`, fix: BEFORE_REMOVING[balancer.kind] }];
    });
}

/**
 * A Domain change renames every external endpoint (`<service>.<app>.<Domain>`; without a
 * Domain, the external load balancer's own DNS name stands in): each deployed app's new host
 * names must still fit ALB's host condition, or every later update of that app fails. Pure.
 */
export function externalHostProblems(params: RackParams, apps: readonly DeployedApp[], externalLoadBalancerDns: string): ParamProblem[] {
  const domain = params.Domain || externalLoadBalancerDns;
  if (!domain) return [];
  const tooLong = apps.flatMap((app) =>
    app.services
      .filter((service) => VISIBILITY_KINDS[service.visibility].includes("external"))
      .map((service) => ({ name: `${app.app}/${service.name}`, host: externalHost(service.name, app.app, domain), prefix: service.name.length + app.app.length + 2 }))
      .filter(({ host }) => host.length > HOST_CONDITION_MAX),
  );
  if (tooLong.length === 0) return [];
  const longestPrefix = Math.max(...tooLong.map((entry) => entry.prefix));
  const named = tooLong.map((entry) => `${entry.name} (${entry.host}, ${entry.host.length})`).join(", ");
  const what = params.Domain ? `Domain=${params.Domain}` : `without a Domain (external names end in the load balancer's name, ${externalLoadBalancerDns})`;
  const room = HOST_CONDITION_MAX - longestPrefix;
  return [
    {
      param: RackParam.Domain,
      message: `${what}, these external names would be longer than the ${HOST_CONDITION_MAX} characters a load balancer rule matches, and those apps could no longer be updated: ${named}`,
      fix: params.Domain
        ? `choose a Domain of at most ${room} characters, or shorten those service or app names and deploy them first`
        : `keep a Domain (at most ${room} characters), or shorten those service or app names and deploy them first`,
    },
  ];
}

/**
 * The certificates of apps on a rack with a HostedZoneId are made by their stacks and validated
 * through that zone: taking the zone away (HostedZoneId empty) would delete them, and with
 * them every external name's certificate. Refused while an app serves external names. Pure.
 */
export function zoneRuleProblems(current: RackParams, params: RackParams, apps: readonly DeployedApp[]): ParamProblem[] {
  if (!current.HostedZoneId || params.HostedZoneId) return [];
  const services = apps.flatMap((app) =>
    app.services
      .filter((service) => (current.Domain && (service.visibility === "external" || service.visibility === "internal-and-external")) || (service.domains ?? []).length > 0)
      .map((service) => `${app.app}/${service.name}`),
  );
  if (services.length === 0) return [];
  return [
    {
      param: "HostedZoneId",
      message: `HostedZoneId= removes the zone ${current.HostedZoneId}, through which the certificates of these services are validated and named: ${services.join(", ")}; their stacks would delete those certificates`,
      fix: "keep HostedZoneId (racknet writes the records there), or delete those apps first",
    },
  ];
}

/**
 * A change of the rack's service subnets (Private: the private subnets or the public ones)
 * moves the apps' tasks, but not their databases and caches: RDS refuses to drop a subnet from
 * a DB subnet group while an instance runs in it (it would have to be moved first, by hand), an
 * ElastiCache node stays in the subnet it was launched in, and Private=No deletes the private
 * subnets, which a node's network interface keeps from being deleted. The apps' updates would
 * fail after the rack had changed: refused before anything is written. Pure. Sources in
 * docs/aws-limits.md ("Resources").
 */
export function resourceSubnetProblems(current: RackParams, params: RackParams, apps: readonly DeployedApp[]): ParamProblem[] {
  if (current.Private === params.Private) return [];
  const holding = apps.filter((app) => (app.resources ?? []).length > 0);
  if (holding.length === 0) return [];
  const named = holding.map((app) => `${app.app} (${(app.resources ?? []).map((resource) => `${resource.name}: ${resource.engine}`).join(", ")})`).join(", ");
  const where = params.Private === "Yes" ? "private" : "public";
  return [
    {
      param: RackParam.Private,
      message: `Private=${params.Private} moves the apps' services to the ${where} subnets, but a database or cache cannot change subnets in place (RDS keeps a subnet its instance runs in; an ElastiCache node stays where it was made), and these apps have some: ${named}`,
      fix: `keep Private=${current.Private}; or take the data along by hand: remove those resources from each convox.yml and deploy with ${Flag.allowDestroy} (each database keeps a final snapshot, whose name racknet prints), set Private=${params.Private}, deploy them back, and restore the snapshot into the new database`,
    },
  ];
}
