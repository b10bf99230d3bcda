import type { Service as EcsService } from "@aws-sdk/client-ecs";
import { UsageError } from "../errors/index.js";
import { outcome, type Outcome } from "../ui/outcome.js";
import { describeServices, taskDefinitionImages, taskDefinitionRevision } from "../aws/ecs-tasks.js";
import type { Visibility } from "../manifest/model.js";
import { AppParameter, serviceNameOutput, type BudgetRecord } from "../templates/app-contract.js";
import { BUDGET_ARMED_TAG, BUDGET_STOPPED_TAG } from "../names/index.js";
import { readAppMetadata } from "../shared-steps/app-metadata.js";
import { resolveApp, resolveRack } from "../shared-steps/resolve.js";
import { deployedEndpoints, endpointText, type DeployedEndpoint } from "../app-steps/service-endpoints.js";
import { publiclyServed } from "../app-steps/public-certificates.js";
import { lastDrift } from "../shared-steps/drift.js";
import { driftLine, type DriftSummary } from "../ui/rack-summary.js";
import { appName, checkedName, type Context } from "../runtime/context.js";
import { RackOutput } from "../names/rack-outputs.js";

/**
 * `racknet apps info APP`: what `convox apps info` shows and what racknet knows besides:
 * the stack's status and last deploy, then per service its visibility, the image its
 * current task definition runs, desired and running counts, and its endpoints. Reads the
 * two stacks, the app's template (its Metadata lists the services), one DescribeServices
 * per 10 services and one DescribeTaskDefinition per release.
 */

/** `racknet apps info --json`. */
export interface AppDetails {
  app: string;
  rack: string;
  status: string;
  statusReason: string | null;
  lastDeploy: string | null;
  /** The racknet version that deployed it. */
  version: string;
  /** The last drift detection's verdict on the app's stack (`racknet rack drift` runs one). */
  drift: DriftSummary;
  services: ServiceDetails[];
  /** `budget:` and where auto-shutdown stands; null without a budget. */
  budget: BudgetDetails | null;
}

export interface BudgetDetails extends Omit<BudgetRecord, "monthlyCapUsd" | "alertThresholdPercent" | "pricingAdjustment"> {
  monthlyCapUsd: number;
  alertThresholdPercent: number;
  pricingAdjustment: number;
  /** running; armed (the cap was reached: the services stop at shutdownAt); shut-down (auto-shutdown stopped `stopped`). */
  state: "running" | "armed" | "shut-down";
  shutdownAt: string | null;
  stopped: { service: string; count: number }[];
}

export interface ServiceDetails {
  service: string;
  visibility: Visibility;
  image: string | null;
  release: string | null;
  desired: number | null;
  running: number | null;
  pending: number | null;
  /** An external endpoint of a rack without a Domain has no URL: `needsDomain`. */
  endpoints: DeployedEndpoint[];
}

export async function run(context: Context, args: { app?: string }): Promise<Outcome> {
  const details = await appDetails(context, chosenApp(context, args.app));
  return outcome(details, (printer) => {
    printer.keyValues([
      ["Name", details.app],
      ["Rack", details.rack],
      ["Status", details.statusReason ? `${details.status} (${details.statusReason})` : details.status],
      ["Deployed", details.lastDeploy ?? "never"],
      ["Version", details.version],
      ["Drift", driftLine(details.drift)],
      ...(details.budget ? ([["Budget", budgetLine(details.budget)]] as [string, string][]) : []),
    ]);
    if (details.services.length === 0) return;
    printer.out("");
    const count = (value: number | null) => (value === null ? "?" : String(value));
    printer.table(
      [
        { header: "SERVICE", key: "service" },
        { header: "VISIBILITY", key: "visibility" },
        { header: "IMAGE", key: "image" },
        { header: "RELEASE", key: "release" },
        { header: "DESIRED", key: "desired" },
        { header: "RUNNING", key: "running" },
        { header: "ENDPOINTS", key: "endpoints" },
      ],
      details.services.map((service) => ({
        service: service.service,
        visibility: service.visibility,
        image: service.image ?? "?",
        release: service.release ?? "?",
        desired: count(service.desired),
        running: count(service.running),
        endpoints: service.endpoints.map((endpoint) => (endpoint.url === null ? endpointText(endpoint) : endpoint.url)).join(" "),
      })),
    );
  });
}

function budgetLine(budget: BudgetDetails): string {
  const cap = `$${budget.monthlyCapUsd} a month, ${budget.atCapAction} (alert at ${budget.alertThresholdPercent}%)`;
  if (budget.state === "armed") return `${cap}: cap reached, services stop at ${budget.shutdownAt ?? "?"}`;
  if (budget.state === "shut-down") return `${cap}: SHUT DOWN (${budget.stopped.map((entry) => `${entry.service} was ${entry.count}`).join(", ")}; ${budget.recoveryMode === "auto-on-reset" ? "back on the 1st" : "scale them back with racknet scale"})`;
  return cap;
}

/** Where auto-shutdown stands, from the tags the budget function puts on the services it arms and stops. */
function budgetDetails(budget: BudgetRecord | undefined, services: readonly { service: string; desired: number | undefined; tags: readonly { key?: string; value?: string }[] }[]): BudgetDetails | null {
  if (!budget) return null;
  const tag = (tags: readonly { key?: string; value?: string }[], key: string) => tags.find((entry) => entry.key === key)?.value;
  const stopped = services.flatMap(({ service, desired, tags }) => {
    const count = tag(tags, BUDGET_STOPPED_TAG);
    // Scaled back by hand (racknet scale): running again, whatever the record says.
    return count !== undefined && /^\d+$/.test(count) && !desired ? [{ service, count: Number(count) }] : [];
  });
  const shutdownAt = services.map(({ tags }) => tag(tags, BUDGET_ARMED_TAG)).find((value) => value !== undefined) ?? null;
  return {
    ...budget,
    monthlyCapUsd: Number(budget.monthlyCapUsd),
    alertThresholdPercent: Number(budget.alertThresholdPercent),
    pricingAdjustment: Number(budget.pricingAdjustment),
    state: stopped.length > 0 ? "shut-down" : shutdownAt ? "armed" : "running",
    shutdownAt,
    stopped,
  };
}

/** APP, else -a, else the directory's name; APP and a different -a together are a usage error. */
export function chosenApp(context: Context, positional: string | undefined): string {
  const flag = context.options.app;
  if (positional && flag && positional !== flag) {
    throw new UsageError(`two apps named: ${positional} (argument) and ${flag} (-a)`, { fix: "name the app once" });
  }
  return positional !== undefined ? checkedName("app", positional) : appName(context.options);
}

async function appDetails(context: Context, name: string): Promise<AppDetails> {
  const rack = await resolveRack(context);
  const app = await resolveApp(context, rack, name);
  const [metadata, drift] = await Promise.all([readAppMetadata(context, app), lastDrift(context, app)]);
  const cluster = rack.rackOutputs[RackOutput.Cluster];
  const ecsNames = metadata.services.map((service) => app.outputs[serviceNameOutput(service.name)] ?? "");
  const ecs = await context.aws.ecs();
  const running = cluster ? await describeServices(ecs, cluster, ecsNames.filter(Boolean), { tags: metadata.budget !== undefined }) : new Map<string, EcsService>();
  const external = metadata.services.some((service) => (service.visibility === "external" || service.visibility === "internal-and-external") && (app.parameters[AppParameter.Domain] || service.domains?.length));
  const [images, served] = await Promise.all([
    taskDefinitionImages(ecs, [...running.values()].map((service) => service.taskDefinition ?? "")),
    external ? publiclyServed(context, rack) : () => false,
  ]);
  return {
    app: name,
    rack: rack.rack,
    status: app.status,
    statusReason: app.statusReason ?? null,
    lastDeploy: app.lastUpdated?.toISOString() ?? null,
    version: metadata.version,
    drift,
    budget: budgetDetails(metadata.budget, metadata.services.map((service, index) => ({ service: service.name, desired: running.get(ecsNames[index] ?? "")?.desiredCount, tags: running.get(ecsNames[index] ?? "")?.tags ?? [] }))),
    services: metadata.services.map((service, index) => {
      const ecsService = running.get(ecsNames[index] ?? "");
      const taskDefinition = ecsService?.taskDefinition;
      const containerImages = taskDefinition ? images.get(taskDefinition) : undefined;
      return {
        service: service.name,
        visibility: service.visibility,
        image: containerImages?.[service.name] ?? null,
        release: taskDefinition ? taskDefinitionRevision(taskDefinition) : null,
        desired: ecsService?.desiredCount ?? null,
        running: ecsService?.runningCount ?? null,
        pending: ecsService?.pendingCount ?? null,
        endpoints: deployedEndpoints(service.name, service.visibility, name, rack.rack, app.parameters, served),
      };
    }),
  };
}
