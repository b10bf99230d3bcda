import { Flag } from "../names/flags.js";
/**
 * Whether a plan may be applied, and what to ask first (issue 14 and 15). Pure: the
 * caller shows the plan, then asks the questions in order (any "no" stops, nothing
 * changed) or prints the refusal (exit 1, nothing changed).
 *
 * - `--require-approval broadening` (the default): a plan that widens exposure needs its
 *   own yes on a terminal (default No); `--yes` does not give it: refused unless
 *   `--require-approval never` is given too.
 * - `--require-approval any-change`: every change is confirmed on a terminal, even with
 *   `--yes`; without a terminal it is refused.
 * - A plan that destroys or replaces what holds data, identity or running work needs its own
 *   yes on a terminal (default No) or `--allow-destroy`; `--yes` alone does not apply it.
 *   `apps delete` and `rack uninstall` destroy by name: their own question, or `--yes`, is enough.
 * - Otherwise: `--yes` applies, a terminal asks, and without either racknet refuses, naming `--yes`.
 */

export type RequireApproval = "broadening" | "any-change" | "never";

export const REQUIRE_APPROVAL_VALUES: readonly RequireApproval[] = ["broadening", "any-change", "never"];

export interface ApprovalInput {
  /** The plan's "widens exposure" sentences. */
  widens: readonly string[];
  /** The plan's "destroys or replaces" sentences. */
  destroys: readonly string[];
  /** False when the change set is empty: nothing to approve. */
  hasChanges: boolean;
  /** `apps delete`, `rack uninstall`: destroying is what was asked for. */
  destructiveByName?: boolean;
  yes: boolean;
  allowDestroy: boolean;
  requireApproval: RequireApproval;
  /** A terminal can answer a question. */
  tty: boolean;
  /** The command's own question, e.g. `Deploy shop to production?` */
  question: string;
}

export interface ApprovalQuestion {
  topic: "widens" | "destroys" | "change";
  question: string;
  /** True for the questions whose safe answer is No. */
  defaultNo: boolean;
}

export type ApprovalDecision =
  | { kind: "proceed" }
  | { kind: "ask"; questions: ApprovalQuestion[] }
  | { kind: "refuse"; message: string; fix: string };

export function decideApproval(input: ApprovalInput): ApprovalDecision {
  if (!input.hasChanges) return { kind: "proceed" };
  const widensGate = input.widens.length > 0 && input.requireApproval !== "never";
  const destroysGate = input.destroys.length > 0 && !input.destructiveByName && !input.allowDestroy;
  const everyChange = input.requireApproval === "any-change";
  if (!input.tty) return withoutTerminal(input, widensGate, destroysGate, everyChange);
  if (input.yes && (widensGate || destroysGate)) return refuse(input, widensGate, destroysGate, false);
  if (input.yes && !everyChange) return { kind: "proceed" };
  const questions: ApprovalQuestion[] = [];
  if (widensGate) questions.push({ topic: "widens", question: `This widens who can reach what already exists: ${input.widens.join("; ")}. Apply that?`, defaultNo: true });
  if (destroysGate) questions.push({ topic: "destroys", question: `This destroys or replaces: ${input.destroys.join("; ")}. Apply that?`, defaultNo: true });
  // Deleting by name destroys by design: the one question says what goes, and its safe answer is No.
  const destroysByName = input.destructiveByName === true && input.destroys.length > 0;
  questions.push({
    topic: "change",
    question: destroysByName ? `${input.question} This destroys: ${input.destroys.join("; ")}.` : input.question,
    defaultNo: destroysByName,
  });
  return { kind: "ask", questions };
}

function withoutTerminal(input: ApprovalInput, widensGate: boolean, destroysGate: boolean, everyChange: boolean): ApprovalDecision {
  if (everyChange) {
    return {
      kind: "refuse",
      message: `not applied: ${Flag.requireApproval} any-change confirms every change on a terminal, and there is none; nothing was changed`,
      fix: `run the command on a terminal, or without ${Flag.requireApproval} any-change`,
    };
  }
  if (widensGate || destroysGate || !input.yes) return refuse(input, widensGate, destroysGate, !input.yes);
  return { kind: "proceed" };
}

function refuse(input: ApprovalInput, widensGate: boolean, destroysGate: boolean, needsYes: boolean): ApprovalDecision {
  const reasons: string[] = [];
  const flags: string[] = needsYes ? [Flag.yes] : [];
  if (widensGate) {
    reasons.push(`it widens who can reach what already exists (${input.widens.join("; ")}), which ${Flag.yes} does not approve`);
    flags.push(`${Flag.requireApproval} never`);
  }
  if (destroysGate) {
    reasons.push(`it destroys or replaces ${input.destroys.join("; ")}, which ${Flag.yes} alone does not apply`);
    flags.push(Flag.allowDestroy);
  }
  if (needsYes) reasons.push(`without a terminal racknet applies changes only with ${Flag.yes}`);
  const fix =
    widensGate || destroysGate
      ? `review the plan above, then confirm it on a terminal (without ${Flag.yes}), or run the command again with ${flags.join(" ")}`
      : `review the plan above, then run the command again with ${Flag.yes} (or with ${Flag.dryRun} to only see the plan)`;
  return { kind: "refuse", message: `not applied: ${reasons.join("; and ")}; nothing was changed`, fix };
}
