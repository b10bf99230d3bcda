import { LOAD_BALANCERS, ENDPOINT_KINDS, type LoadBalancerKind, type Visibility } from "./load-balancers.js";
import type { ParamProblem, RackParams } from "./params.js";

export interface DeployedApp {
  app: string;
  services: { name: string; visibility: Visibility; domains?: string[] }[];
}

/** What to do before the parameter can take this load balancer away. */
const BEFORE_REMOVING: Record<LoadBalancerKind["kind"], string> = {
  external: "make each of them `internal: true` in its convox.yml and deploy, then set InternalOnly=Yes",
  internal: "remove `internal` / `internalAndExternal` from them and deploy first",
  router: "remove `internalRouter` from them and deploy first",
};

/**
 * "Never apply a change that would break a running app" (SPEC section 2): the new
 * parameters are checked against every deployed app's services, with the load balancers
 * each visibility needs (load-balancers.ts). Pure.
 */
export function appRuleProblems(params: RackParams, apps: readonly DeployedApp[]): ParamProblem[] {
  // The order of the parameters a user reads about: InternalOnly, Internal, internal_router.
  const order = ENDPOINT_KINDS.map((kind) => LOAD_BALANCERS[kind]);
  return order
    .filter((balancer) => !balancer.provides(params))
    .flatMap((balancer) => {
      const services = apps.flatMap((app) =>
        app.services.filter((service) => balancer.visibilities.includes(service.visibility)).map((service) => `${app.app}/${service.name}`),
      );
      if (services.length === 0) return [];
      return [{ param: balancer.param, message: `${balancer.absentBecause} removes ${balancer.title}, which these services use: ${services.join(", ")}`, fix: BEFORE_REMOVING[balancer.kind] }];
    });
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
