import { ValidationErrors, type Problem } from "../errors/index.js";
import type { ParamProblem } from "./params.js";

/** Refuse with every parameter problem at once (exit 1, before any AWS call). */
export function assertNoParamProblems(problems: readonly ParamProblem[]): void {
  if (problems.length === 0) return;
  const listed: Problem[] = problems.map((problem) => ({ where: problem.param, message: problem.message, fix: problem.fix }));
  const summary = problems.length === 1 ? "invalid rack parameter; nothing was changed" : `${problems.length} invalid rack parameters; nothing was changed`;
  throw new ValidationErrors(summary, listed);
}
