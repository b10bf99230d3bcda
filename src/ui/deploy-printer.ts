import type { DeployEvent, DeployListener, Operation } from "../aws/changeset/events.js";
import type { Diagnosis } from "../aws/diagnose.js";
import type { Plan, PlanRow } from "../plan/model.js";
import { planSummary } from "../plan/plan.js";
import type { PlannedResource } from "../plan/eta.js";
import { costView, type CostRow, type PlanCost } from "../cost/index.js";
import { formatDuration } from "./activity-board.js";
import { LiveProgress } from "./live-progress.js";
import { loadLiveLibraries } from "./spinner-region.js";
import { PlainProgress } from "./plain-progress.js";
import type { Progress } from "./printer.js";
import type { ProgressView } from "./progress-view.js";
import { renderTable } from "./table.js";
import { Waiting } from "./waiting.js";
import { Flag } from "../names/flags.js";

type Row = { action: string; logicalId: string; resourceType: string; replacement: string; properties: string };

export interface DeployPrinterOptions {
  /** `apps delete`, `rack uninstall`: what the plan destroys was asked for by name, and needs no --allow-destroy. */
  destructiveByName?: boolean;
  /** A live view redrawn in place (default: when stderr is a terminal); else plain lines. */
  live?: boolean;
}

/**
 * Renders the change-set engine's events, all on stderr (stdout is for --json results):
 * the plan, then the operation's progress: on a terminal a live view (src/ui/live-progress.ts),
 * in CI one timestamped line per stack event and a heartbeat while none comes
 * (src/ui/plain-progress.ts).
 */
export class DeployPrinter {
  private readonly live: boolean;
  private planned = 0;
  private resources?: PlannedResource[];
  private progress?: ProgressView;
  private waiting?: Waiting;

  constructor(
    private readonly printer: Progress,
    private readonly options: DeployPrinterOptions = {},
  ) {
    this.live = options.live ?? printer.interactive;
    // Loaded while the change set is made, so the live view is ready when the operation starts.
    if (this.live) loadLiveLibraries().catch(() => undefined);
  }

  readonly listener: DeployListener = (event) => this.render(event);

  render(event: DeployEvent): void {
    if (event.type !== "warning" && event.type !== "creating-change-set" && event.type !== "history") this.endWaiting();
    switch (event.type) {
      case "creating-change-set":
        this.endWaiting();
        this.waiting = new Waiting(this.printer, `creating the change set for ${event.what} (stack ${event.stackName})…`).start();
        return;
      case "plan":
        return this.plan(event.what, event.operation, event.stackName, event.plan);
      case "no-changes":
        return this.printer.success(`no changes: ${event.what} is already up to date`);
      case "dry-run":
        return this.printer.info(`dry run: nothing was changed (the change set was deleted); run without ${Flag.dryRun} to ${event.operation} ${event.what}`);
      case "started":
        return this.started(event.operation, event.what, event.stackName);
      case "activity":
        return this.progress?.activity(event.activity);
      case "history":
        return this.progress?.history?.(event.activities);
      case "finished":
        this.endProgress();
        return this.printer.success(`${event.what}: ${event.status} in ${formatDuration(event.elapsedMs)}`);
      case "failed":
        this.endProgress();
        return this.failure(event.diagnosis);
      case "warning":
        return this.printer.warn(event.message);
    }
  }

  private endWaiting(): void {
    this.waiting?.end();
    this.waiting = undefined;
  }

  private started(operation: Operation, what: string, stackName: string): void {
    this.printer.step(`${ing(operation)} ${what} (stack ${stackName})`);
    const settings = { title: `${ing(operation)} ${what}`, planned: this.planned, ...(this.resources ? { resources: this.resources } : {}) };
    this.progress = this.live ? new LiveProgress(this.printer, settings) : new PlainProgress(this.printer, settings);
    this.progress.start();
  }

  private endProgress(): void {
    this.progress?.end();
    this.progress = undefined;
  }

  private plan(what: string, operation: string, stackName: string, plan: Plan): void {
    const { paint } = this.printer;
    this.planned = plan.rows.length;
    this.resources = plan.rows.map((row) => ({ logicalId: row.logicalId, resourceType: row.resourceType, action: row.action }));
    this.printer.info(`${paint.bold(`Plan to ${operation} ${what}`)} (stack ${stackName}): ${planSummary(plan)}${rollSummary(plan, operation)}`);
    if (plan.rows.length > 0) {
      const columns = [
        { header: "ACTION", key: "action" },
        { header: "RESOURCE", key: "logicalId" },
        { header: "TYPE", key: "resourceType" },
        { header: "REPLACEMENT", key: "replacement" },
      ] as const;
      // Which properties a Modify changes, where CloudFormation says (its change details).
      const shown = plan.rows.some((row) => row.properties) ? [...columns, { header: "CHANGES", key: "properties" } as const] : columns;
      this.printer.info(renderTable<Row>(shown, plan.rows.map((row) => this.row(row)), paint).trimEnd());
    } else if (operation === "update") {
      this.printer.info(paint.dim("CloudFormation lists no resource changes for this change set (it may not, for a parameter change)."));
    }
    for (const sentence of plan.sentences) this.printer.info(`  • ${sentence}`);
    if (plan.destroysOrReplaces.length > 0) {
      const heading = this.options.destructiveByName
        ? `Destroys (what this command deletes by name; its own yes, or ${Flag.yes}, is enough):`
        : `Destroys or replaces (needs ${Flag.allowDestroy}, or your own yes on a terminal):`;
      this.printer.info(paint.red(paint.bold(heading)));
      for (const item of plan.destroysOrReplaces) this.printer.info(`  ${paint.red("!")} ${paint.yellow(item.sentence)}`);
    }
    if (plan.widensExposure.length > 0) {
      this.printer.info(paint.red(paint.bold(`Widens exposure (needs its own approval; ${Flag.yes} alone does not give it):`)));
      for (const widening of plan.widensExposure) this.printer.info(`  ${paint.red("!")} ${paint.yellow(widening.sentence)}`);
    }
    if (plan.cost) this.cost(plan.cost);
  }

  private cost(cost: PlanCost): void {
    const view = costView(cost);
    this.printer.info(this.printer.paint.bold(view.headline.replace(/^monthly cost/, "Monthly cost")));
    // What the change changes: an unchanged item (an app's tasks under a rack parameter) is counted, not listed.
    const changed = view.rows.filter((row) => row.difference !== "");
    const unchanged = view.rows.length - changed.length;
    if (changed.length > 0) {
      const columns = [
        { header: "ITEM", key: "item" },
        { header: "QUANTITY", key: "quantity" },
        { header: "UNIT PRICE", key: "unitPrice" },
        { header: "BEFORE", key: "before" },
        { header: "AFTER", key: "after" },
        { header: "CHANGE", key: "difference" },
      ] as const;
      this.printer.info(renderTable<CostRow & Record<string, string>>(columns, changed.map((row) => ({ ...row })), this.printer.paint).trimEnd().replace(/^/gm, "  "));
    }
    if (unchanged > 0) this.printer.info(this.printer.paint.dim(`  (${unchanged} ${unchanged === 1 ? "item" : "items"} unchanged, not listed; ${Flag.json} has every line)`));
    for (const usage of view.usage) this.printer.info(`  + ${usage}`);
  }

  private row(row: PlanRow): Row {
    const action = row.dangerous ? this.printer.paint.red(`${row.action} !`) : row.action;
    return { action, logicalId: row.logicalId, resourceType: row.resourceType, replacement: row.replacement, properties: row.properties?.join(", ") ?? "" };
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

/** The services that roll, named above the table: "; services web, api roll (rolling deployment)". */
function rollSummary(plan: Plan, operation: string): string {
  if (!plan.rolls || operation !== "update") return "";
  if (plan.rolls.length === 0) return "; no service rolls";
  return `; ${plan.rolls.length === 1 ? "service" : "services"} ${plan.rolls.join(", ")} ${plan.rolls.length === 1 ? "rolls" : "roll"} (a rolling deployment)`;
}
