import type { ParamProblem, RackParams } from "./params.js";
import type { Visibility } from "./visibility.js";

export interface DeployedApp {
  app: string;
  services: { name: string; visibility: Visibility }[];
}

interface DependencyRule {
  param: ParamProblem["param"];
  /** True when the new parameters take away what `uses` needs. */
  removes: (params: RackParams) => boolean;
  uses: readonly Visibility[];
  message: (services: string) => string;
  fix: string;
}

/** Each load balancer a rack parameter can take away, and the services that need it. */
const RULES: readonly DependencyRule[] = [
  {
    param: "InternalOnly",
    removes: (params) => params.InternalOnly === "Yes",
    uses: ["external", "internal-and-external"],
    message: (services) => `InternalOnly=Yes removes the external load balancer, which these services use: ${services}`,
    fix: "make each of them `internal: true` in its convox.yml and deploy, then set InternalOnly=Yes",
  },
  {
    param: "Internal",
    removes: (params) => params.Internal !== "Yes",
    uses: ["internal", "internal-and-external"],
    message: (services) => `Internal=No removes the internal load balancer, which these services use: ${services}`,
    fix: "remove `internal` / `internalAndExternal` from them and deploy first",
  },
  {
    param: "internal_router",
    removes: (params) => params.internal_router !== "true",
    uses: ["internal-router"],
    message: (services) => `internal_router=false removes the internal router, which these services use: ${services}`,
    fix: "remove `internalRouter` from them and deploy first",
  },
];

/**
 * "Never apply a change that would break a running app" (SPEC section 2): the new
 * parameters are checked against every deployed app's services. Pure.
 */
export function appRuleProblems(params: RackParams, apps: readonly DeployedApp[]): ParamProblem[] {
  return RULES.filter((rule) => rule.removes(params)).flatMap((rule) => {
    const services = apps.flatMap((app) =>
      app.services.filter((service) => rule.uses.includes(service.visibility)).map((service) => `${app.app}/${service.name}`),
    );
    return services.length === 0 ? [] : [{ param: rule.param, message: rule.message(services.join(", ")), fix: rule.fix }];
  });
}
