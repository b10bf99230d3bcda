import { UserError } from "../errors/index.js";
import type { DeployListener } from "../aws/changeset/events.js";
import type { OperationPort, ReviewRequest, Verdict } from "../aws/changeset/types.js";
import { decideApproval, type RequireApproval } from "../plan/approval.js";
import { buildPlan, type PlanInput } from "../plan/plan.js";
import type { Plan } from "../plan/model.js";
import type { PlanCost } from "../cost/index.js";
import type { Context } from "../runtime/context.js";
import { DeployPrinter } from "../ui/deploy-printer.js";
import { destroyedSummary } from "../ui/destroy-summary.js";
import type { User } from "../runtime/user.js";

/** The user's standing answers: --dry-run, --yes, --allow-destroy, --require-approval, and whether a terminal can ask. */
export interface Approval {
  dryRun: boolean;
  yes: boolean;
  canPrompt: boolean;
  allowDestroy?: boolean;
  requireApproval?: RequireApproval;
}

/** What the workflow knows beyond the change set: who can reach what, and what it costs. */
export interface ReviewExtras {
  exposure?: PlanInput["exposure"];
  cost?: PlanCost;
  /** What goes that the models know of (NAT gateways NatGateways removes), whether or not the change set lists it. */
  destroys?: PlanInput["destroys"];
  /** App plans: logical id → service name, for the services that roll (PlanInput.services). */
  services?: PlanInput["services"];
  /** `apps delete`, `rack uninstall`: destroying is what was asked for, so their own yes is enough. */
  destructiveByName?: boolean;
  approval?: Approval;
  /** Where the engine's events go instead of a printer of their own (several apps at once share one view: src/ui/apps-board.ts). */
  emit?: (fallback: DeployListener) => DeployListener;
}

/** The port, and the plans it showed (a workflow puts them in its --json result). */
export interface ReviewPort extends OperationPort {
  readonly plans: Plan[];
}

/**
 * The port every stack operation of a command goes through: its events rendered by the
 * deploy printer, its changes turned into the plan the user reads (changes, what it
 * destroys, what it opens up, what it costs), then the go-ahead under the approval policy
 * (src/plan/approval.ts).
 */
export function operationPort(context: Context, extras: ReviewExtras = {}): ReviewPort {
  const approval = extras.approval ?? approvalOf(context);
  const own = new DeployPrinter(context.printer, { destructiveByName: extras.destructiveByName ?? false, ...(extras.emit ? { live: false } : {}) }).listener;
  const emit = extras.emit ? extras.emit(own) : own;
  const plans: Plan[] = [];
  return {
    plans,
    emit,
    clock: context.clock,
    interrupts: context.interrupts,
    review: async (request, signal) => {
      const plan = buildPlan(request.changes, {
        region: await context.aws.region(),
        notes: request.notes,
        ...(extras.exposure ? { exposure: extras.exposure } : {}),
        ...(extras.cost ? { cost: extras.cost } : {}),
        ...(extras.destroys ? { destroys: extras.destroys } : {}),
        ...(extras.services ? { services: extras.services } : {}),
      });
      plans.push(plan);
      emit({ type: "plan", what: request.what, operation: request.operation, stackName: request.stackName, plan });
      // A dry-run verdict holds a change set back (an empty one never reaches the review): the
      // workflow's outcome says so (`changesPending`), from the engine's `dry-run` result.
      return await approve(approval, plan, request, extras.destructiveByName ?? false, signal, context.user);
    },
  };
}

export function approvalOf(context: Context): Approval {
  const { dryRun, allowDestroy, requireApproval } = context.options;
  return { dryRun, yes: context.user.yes, canPrompt: context.user.canPrompt, allowDestroy: allowDestroy ?? false, requireApproval: requireApproval ?? "broadening" };
}

/**
 * The go-ahead, after the plan was shown: --dry-run stops here; otherwise the approval
 * policy decides to go on, to ask (each question in turn; any no stops, nothing changed),
 * or to refuse with what would let it through.
 */
async function approve(approval: Approval, plan: Plan, request: ReviewRequest, destructiveByName: boolean, signal: AbortSignal, user: User): Promise<Verdict> {
  if (approval.dryRun) return "dry-run";
  const decision = decideApproval({
    widens: plan.widensExposure.map((widening) => widening.sentence),
    // Deleting by name: the one question counts what goes (the plan above lists each).
    destroys: destructiveByName && plan.destroysOrReplaces.length > 0 ? [destroyedSummary(plan.destroysOrReplaces)] : plan.dangers,
    hasChanges: true,
    destructiveByName,
    yes: approval.yes,
    allowDestroy: approval.allowDestroy ?? false,
    requireApproval: approval.requireApproval ?? "broadening",
    tty: approval.canPrompt,
    question: `${verb(request)} ${request.what}?`,
  });
  if (decision.kind === "proceed") return "apply";
  if (decision.kind === "refuse") throw new UserError(decision.message.replace(/^not applied: /, `not applied to ${request.what}: `), { fix: decision.fix });
  await askEach(user, decision.questions, signal);
  return "apply";
}

/**
 * The go-ahead for a change that is no change set (`apps cancel`): the same policy, with
 * nothing that widens or destroys: --dry-run stops, --yes or a terminal's yes goes on,
 * and without either racknet refuses, naming --yes.
 */
export async function approveAction(context: Context, action: { what: string; question: string }): Promise<Verdict> {
  const approval = approvalOf(context);
  if (approval.dryRun) return "dry-run";
  const decision = decideApproval({ widens: [], destroys: [], hasChanges: true, yes: approval.yes, allowDestroy: false, requireApproval: approval.requireApproval ?? "broadening", tty: approval.canPrompt, question: action.question });
  if (decision.kind === "proceed") return "apply";
  if (decision.kind === "refuse") throw new UserError(decision.message.replace(/^not applied: /, `not applied to ${action.what}: `), { fix: decision.fix.replace("review the plan above, then run", "run") });
  await askEach(context.user, decision.questions);
  return "apply";
}

/** Each question in turn (src/plan/approval.ts's); any no stops, and nothing has changed. */
export async function askEach(user: User, questions: readonly { question: string; defaultNo?: boolean }[], signal?: AbortSignal): Promise<void> {
  for (const { question, defaultNo } of questions) {
    if (!(await user.confirm(question, { defaultYes: !defaultNo, ...(signal ? { signal } : {}) }))) throw new UserError("cancelled; nothing changed");
  }
}

function verb(request: ReviewRequest): string {
  return { create: "Create", update: "Apply these changes to", delete: "Delete" }[request.operation];
}
