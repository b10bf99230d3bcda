import type { DeployEvent, DeployListener } from "../aws/changeset/events.js";
import type { Diagnosis } from "../aws/diagnose.js";
import type { StackActivity } from "../aws/stack-events.js";
import type { Plan, PlanRow } from "../plan/model.js";
import { planSummary } from "../plan/plan.js";
import { costView, type CostRow, type PlanCost } from "../cost/index.js";
import type { Printer } from "./printer.js";
import { renderTable } from "./table.js";

type Row = { action: string; logicalId: string; resourceType: string; replacement: string };

/**
 * Renders the change-set engine's events, all on stderr (stdout is for --json results).
 * In CI (stderr not a terminal) every stack event is one line, so logs tell the whole
 * story; on a terminal only what finished or failed is shown, with a running count.
 */
export class DeployPrinter {
  private finishedResources = 0;

  constructor(
    private readonly printer: Printer,
    private readonly compact: boolean = printer.interactive,
  ) {}

  readonly listener: DeployListener = (event) => this.render(event);

  render(event: DeployEvent): void {
    switch (event.type) {
      case "plan":
        return this.plan(event.what, event.operation, event.stackName, event.plan);
      case "no-changes":
        return this.printer.success(`no changes: ${event.what} is already up to date`);
      case "dry-run":
        return this.printer.info(`dry run: nothing was changed (the change set was deleted); run without --dry-run to ${event.operation} ${event.what}`);
      case "started":
        return this.printer.step(`${ing(event.operation)} ${event.what} (stack ${event.stackName})`);
      case "activity":
        return this.activity(event.activity);
      case "finished":
        return this.printer.success(`${event.what}: ${event.status} in ${Math.round(event.elapsedMs / 1000)}s`);
      case "failed":
        return this.failure(event.diagnosis);
      case "warning":
        return this.printer.warn(event.message);
    }
  }

  private plan(what: string, operation: string, stackName: string, plan: Plan): void {
    const { paint } = this.printer;
    this.printer.info(`${paint.bold(`Plan to ${operation} ${what}`)} (stack ${stackName}): ${planSummary(plan)}`);
    if (plan.rows.length > 0) {
      const columns = [
        { header: "ACTION", key: "action" },
        { header: "RESOURCE", key: "logicalId" },
        { header: "TYPE", key: "resourceType" },
        { header: "REPLACEMENT", key: "replacement" },
      ] as const;
      this.printer.info(renderTable<Row>(columns, plan.rows.map((row) => this.row(row)), paint).trimEnd());
    } else if (operation === "update") {
      this.printer.info(paint.dim("CloudFormation lists no resource changes for this change set (it may not, for a parameter change)."));
    }
    for (const sentence of plan.sentences) this.printer.info(`  • ${sentence}`);
    if (plan.destroysOrReplaces.length > 0) {
      this.printer.info(paint.red(paint.bold("Destroys or replaces (needs --allow-destroy, or your own yes on a terminal):")));
      for (const item of plan.destroysOrReplaces) this.printer.info(`  ${paint.red("!")} ${paint.yellow(item.sentence)}`);
    }
    if (plan.widensExposure.length > 0) {
      this.printer.info(paint.red(paint.bold("Widens exposure (needs its own approval; --yes alone does not give it):")));
      for (const widening of plan.widensExposure) this.printer.info(`  ${paint.red("!")} ${paint.yellow(widening.sentence)}`);
    }
    if (plan.cost) this.cost(plan.cost);
  }

  private cost(cost: PlanCost): void {
    const view = costView(cost);
    this.printer.info(this.printer.paint.bold(view.headline.replace(/^monthly cost/, "Monthly cost")));
    if (view.rows.length > 0) {
      const columns = [
        { header: "ITEM", key: "item" },
        { header: "QUANTITY", key: "quantity" },
        { header: "UNIT PRICE", key: "unitPrice" },
        { header: "BEFORE", key: "before" },
        { header: "AFTER", key: "after" },
        { header: "CHANGE", key: "difference" },
      ] as const;
      this.printer.info(renderTable<CostRow & Record<string, string>>(columns, view.rows.map((row) => ({ ...row })), this.printer.paint).trimEnd().replace(/^/gm, "  "));
    }
    for (const usage of view.usage) this.printer.info(`  + ${usage}`);
  }

  private row(row: PlanRow): Row {
    const action = row.dangerous ? this.printer.paint.red(`${row.action} !`) : row.action;
    return { action, logicalId: row.logicalId, resourceType: row.resourceType, replacement: row.replacement };
  }

  private activity(activity: StackActivity): void {
    const failed = activity.status.endsWith("_FAILED");
    if (this.compact) {
      if (activity.status.endsWith("_IN_PROGRESS") && !activity.isStack) return;
      if (!activity.isStack && !failed) this.finishedResources += 1;
      const count = activity.isStack ? "" : this.printer.paint.dim(`[${this.finishedResources}] `);
      this.printer.info(`${count}${this.describe(activity)}`);
      return;
    }
    const time = activity.timestamp.toISOString().slice(11, 19);
    this.printer.info(`${time}  ${this.describe(activity)}`);
  }

  private describe(activity: StackActivity): string {
    const { paint } = this.printer;
    const status = activity.status.endsWith("_FAILED") ? paint.red(activity.status) : activity.status.endsWith("_COMPLETE") ? paint.green(activity.status) : activity.status;
    const reason = activity.reason && activity.reason !== "User Initiated" ? `  ${paint.dim(activity.reason)}` : "";
    return `${status}  ${activity.resourceType}  ${activity.logicalId}${reason}`;
  }

  private failure(diagnosis: Diagnosis): void {
    const { paint } = this.printer;
    const cause = diagnosis.rootCause;
    if (cause) {
      this.printer.info(`${paint.red(paint.bold("root cause:"))} ${cause.logicalId} (${cause.resourceType}) ${cause.status}: ${cause.reason ?? "no reason given"}`);
    } else {
      this.printer.info(`${paint.red(paint.bold("cause:"))} ${diagnosis.statusReason ?? "CloudFormation gave no reason"}`);
    }
    for (const line of diagnosis.details ?? []) this.printer.info(`  ${line}`);
    if (diagnosis.otherFailures.length > 0) {
      this.printer.info("other failures:");
      for (const other of diagnosis.otherFailures) this.printer.info(`  ${other.logicalId} (${other.resourceType}) ${other.status}: ${other.reason ?? ""}`);
    }
    if (diagnosis.cancelled > 0) this.printer.info(paint.dim(`${diagnosis.cancelled} other resource change(s) were cancelled because of it`));
    this.printer.info(`stack ${diagnosis.stackName}: ${diagnosis.state}`);
  }
}

function ing(operation: string): string {
  return { create: "creating", update: "updating", delete: "deleting" }[operation] ?? operation;
}
