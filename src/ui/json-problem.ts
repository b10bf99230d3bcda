import type { Problem } from "../errors/index.js";

/** A problem as `--json` gives it: where it is split into file, line and column when it is a place in a file. */
export interface JsonProblem {
  /** `convox.yml:12:5`, a flag (`--rack-params`) or a parameter name: where the problem is, as the human message says it. */
  where?: string;
  file?: string;
  line?: number;
  column?: number;
  /** `services.api.port`: the key path in the manifest. */
  path?: string;
  message: string;
  fix?: string;
}

export function jsonProblem(problem: Problem): JsonProblem {
  const place = problem.where ? /^(.+):(\d+):(\d+)$/.exec(problem.where) : null;
  return {
    ...(problem.where ? { where: problem.where } : {}),
    ...(place ? { file: place[1], line: Number(place[2]), column: Number(place[3]) } : {}),
    ...(problem.path ? { path: problem.path } : {}),
    message: problem.message,
    ...(problem.fix ? { fix: problem.fix } : {}),
  };
}
