import { UserError } from "../core/errors.js";
import type { OperationPort, ReviewRequest, Verdict } from "../aws/changeset/types.js";
import { buildPlan } from "../plan/plan.js";
import type { Plan } from "../plan/model.js";
import type { Context } from "../runtime/context.js";
import { DeployPrinter } from "../ui/deploy-printer.js";

/** The user's standing answers: --dry-run, --yes, and whether a terminal can ask. */
export interface Approval {
  dryRun: boolean;
  yes: boolean;
  canPrompt: boolean;
}

/**
 * The port every stack operation of a command goes through: its events rendered by the
 * deploy printer, its changes turned into the plan the user reads, then the go-ahead.
 */
export function operationPort(context: Context, approval: Approval = approvalOf(context)): OperationPort {
  const emit = new DeployPrinter(context.printer).listener;
  return {
    emit,
    review: async (request, signal) => {
      const plan = buildPlan(request.changes, { region: await context.aws.region(), notes: request.notes });
      emit({ type: "plan", what: request.what, operation: request.operation, stackName: request.stackName, plan });
      const verdict = await approve(approval, plan, request, signal);
      // A change set was made (an empty one never reaches the review): something would change.
      if (verdict === "dry-run") context.changesPending = true;
      return verdict;
    },
  };
}

export function approvalOf(context: Context): Approval {
  return { dryRun: context.options.dryRun, yes: context.options.yes, canPrompt: context.canPrompt };
}

/**
 * The go-ahead, after the plan was shown: --dry-run stops here, --yes goes on, a terminal
 * asks (dangerous items repeated in the question), and without either a terminal or
 * --yes racknet refuses, naming --yes. Throws when the answer is no.
 */
async function approve(approval: Approval, plan: Plan, request: ReviewRequest, signal: AbortSignal): Promise<Verdict> {
  if (approval.dryRun) return "dry-run";
  if (approval.yes) return "apply";
  if (!approval.canPrompt) {
    throw new UserError(`not applied: ${request.what} would change, and without a terminal racknet applies changes only with --yes; nothing was changed`, {
      fix: "review the plan above, then run the command again with --yes (or with --dry-run to only see the plan)",
    });
  }
  const { confirm } = await import("../ui/confirm.js");
  const warning = plan.dangers.length > 0 ? ` This is destructive: ${plan.dangers.join("; ")}.` : "";
  const yes = await confirm(`${verb(request)} ${request.what}?${warning}`, { defaultYes: plan.dangers.length === 0, signal });
  if (!yes) throw new UserError("cancelled; nothing changed");
  return "apply";
}

function verb(request: ReviewRequest): string {
  return { create: "Create", update: "Apply these changes to", delete: "Delete" }[request.operation];
}
