import { UserError } from "../../core/errors.js";
import type { Plan } from "../../plan/model.js";
import type { DeployOptions } from "./types.js";

/**
 * The user's go-ahead, after the plan was shown: --dry-run stops here, --yes goes on,
 * a terminal asks (dangerous items repeated in the question), and without either a
 * terminal or --yes racknet refuses, naming --yes. Throws when the answer is no; the
 * caller deletes the change set on every way out.
 */
export async function approve(options: DeployOptions, plan: Plan, verb: string, signal: AbortSignal): Promise<"dry-run" | "approved"> {
  if (options.dryRun) return "dry-run";
  if (options.yes) return "approved";
  if (!options.canPrompt) {
    throw new UserError(`not applied: ${options.what} would change, and without a terminal racknet applies changes only with --yes; nothing was changed`, {
      fix: "review the plan above, then run the command again with --yes (or with --dry-run to only see the plan)",
    });
  }
  const { confirm } = await import("../../ui/confirm.js");
  const warning = plan.dangers.length > 0 ? ` This is destructive: ${plan.dangers.join("; ")}.` : "";
  const yes = await confirm(`${verb} ${options.what}?${warning}`, { defaultYes: plan.dangers.length === 0, signal });
  if (!yes) throw new UserError("cancelled; nothing changed");
  return "approved";
}
