import type { ParamProblem, RackParams } from "./params.js";
import type { Visibility } from "../manifest/model.js";

export interface DeployedApp {
  app: string;
  services: { name: string; visibility: Visibility }[];
}

/**
 * "Never apply a change that would break a running app" (SPEC section 2): the new
 * parameters are checked against every deployed app's services. Pure.
 */
export function appRuleProblems(params: RackParams, apps: readonly DeployedApp[]): ParamProblem[] {
  const problems: ParamProblem[] = [];
  const offending = (test: (visibility: Visibility) => boolean) =>
    apps.flatMap((app) => app.services.filter((service) => test(service.visibility)).map((service) => `${app.app}/${service.name}`));

  if (params.InternalOnly === "Yes") {
    const external = offending((visibility) => visibility === "external" || visibility === "internal-and-external");
    if (external.length > 0) {
      problems.push({
        param: "InternalOnly",
        message: `InternalOnly=Yes removes the external load balancer, which these services use: ${external.join(", ")}`,
        fix: "make each of them `internal: true` in its convox.yml and deploy, then set InternalOnly=Yes",
      });
    }
  }
  if (params.Internal !== "Yes") {
    const internal = offending((visibility) => visibility === "internal" || visibility === "internal-and-external");
    if (internal.length > 0) {
      problems.push({
        param: "Internal",
        message: `Internal=No removes the internal load balancer, which these services use: ${internal.join(", ")}`,
        fix: "remove `internal` / `internalAndExternal` from them and deploy first",
      });
    }
  }
  if (params.internal_router !== "true") {
    const routed = offending((visibility) => visibility === "internal-router");
    if (routed.length > 0) {
      problems.push({
        param: "internal_router",
        message: `internal_router=false removes the internal router, which these services use: ${routed.join(", ")}`,
        fix: "remove `internalRouter` from them and deploy first",
      });
    }
  }
  return problems;
}
