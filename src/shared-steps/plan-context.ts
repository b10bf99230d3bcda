/**
 * What the plan needs beyond the change set, from the models racknet already holds: who
 * can reach what (the broadening check) and what runs (the cost). Pure mapping.
 */
import type { ExposedApp, ExposureModel } from "../plan/exposure-model.js";
import { appCost, combineCosts, nothing, planCost, rackCost, type CostService, type PlanCost } from "../cost/index.js";
import { RackParam, isOn, type RackParams } from "../rack/params.js";
import type { AppMetadata, ResourceRecord, ServiceRecord } from "./app-metadata.js";

/** An app as the plan sees it: its name and its services' records (from the manifest or the stack's metadata). */
export interface PlannedApp {
  name: string;
  services: readonly ServiceRecord[];
  resources?: readonly ResourceRecord[];
  /** ECS Exec on (`Exec=Yes`). */
  exec?: boolean;
}

export function exposedApp(app: PlannedApp, rack: Readonly<RackParams>): ExposedApp {
  const publicIp = !isOn(rack, RackParam.Private);
  return {
    name: app.name,
    ...(app.exec ? { exec: true } : {}),
    services: app.services.map((service) => ({
      name: service.name,
      reach: service.visibility,
      publicIp,
      ...(service.whitelist ? { whitelist: service.whitelist } : {}),
    })),
  };
}

export function exposure(rack: Readonly<RackParams> | undefined, apps: readonly PlannedApp[]): ExposureModel {
  return { ...(rack ? { rack } : {}), apps: rack ? apps.map((app) => exposedApp(app, rack)) : [] };
}

/** The app's Fargate tasks as the cost model counts them; services recorded without sizes (older racknet) are left out. */
export function costServices(app: PlannedApp, rack: Readonly<RackParams>): CostService[] {
  const publicIp = !isOn(rack, RackParam.Private);
  return app.services.flatMap((service) =>
    service.cpu && service.memory && service.count ? [{ name: service.name, cpu: service.cpu, memory: service.memory, count: service.count, publicIp }] : [],
  );
}

export interface RackCostInput {
  params: Readonly<RackParams>;
  azCount: number;
  apps: readonly PlannedApp[];
}

/** The app's network load balancers, from its services' listeners (one per scheme used). */
export function networkLoadBalancers(app: PlannedApp): { count: number; public: boolean } {
  const schemes = new Set(app.services.flatMap((service) => (service.nlb ?? []).map((port) => port.scheme)));
  return { count: schemes.size, public: schemes.has("public") };
}

const appCostOf = (app: PlannedApp, rack: Readonly<RackParams>, region: string) =>
  appCost(costServices(app, rack), { region, app: app.name, resources: app.resources ?? [], networkLoadBalancers: networkLoadBalancers(app) });

/** The monthly cost of a rack and the apps on it. */
export function rackAndAppsCost(input: RackCostInput, region: string) {
  return combineCosts(region, [
    rackCost(input.params, { region, azCount: input.azCount }),
    ...input.apps.map((app) => appCostOf(app, input.params, region)),
  ]);
}

/** Before and after, either side absent when the thing does not exist on it. */
export function costOfChange(region: string, before: RackCostInput | undefined, after: RackCostInput | undefined): PlanCost {
  return planCost(before ? rackAndAppsCost(before, region) : nothing(region), after ? rackAndAppsCost(after, region) : nothing(region));
}

/** An app's metadata as a planned app. */
export function plannedApp(metadata: AppMetadata): PlannedApp {
  return { name: metadata.app, services: metadata.services, ...(metadata.resources ? { resources: metadata.resources } : {}) };
}

/** The monthly cost of one app before and after (the rack's own cost does not change with a deploy). */
export function appCostOfChange(region: string, rack: Readonly<RackParams>, before: PlannedApp | undefined, after: PlannedApp | undefined): PlanCost {
  const cost = (app: PlannedApp | undefined) => (app ? appCostOf(app, rack, region) : nothing(region));
  return planCost(cost(before), cost(after));
}
