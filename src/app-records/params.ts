/**
 * An app's own parameters (`racknet apps params set K=V`), as Convox apps have theirs: each
 * a parameter of the app's stack, kept by every deploy. Pure.
 */
export interface AppParamSpec {
  name: string;
  values: readonly string[];
  default: string;
  description: string;
  /** Turning it on lets more people in: a broadening change, approved as one. */
  broadensWhen?: string;
}

export const APP_PARAMS: readonly AppParamSpec[] = [
  {
    name: "Exec",
    values: ["Yes", "No"],
    default: "No",
    description: "ECS Exec into the app's running tasks (`racknet exec`): a task role with only the ssmmessages actions, and execute command on every service",
    broadensWhen: "Yes",
  },
];

export interface ParsedAppParams {
  values: Record<string, string>;
  problems: { where: string; message: string; name?: string }[];
}

/** `Exec=yes` → `{ Exec: "Yes" }`: names and values matched case-insensitively, stored in their canonical spelling. */
export function parseAppParams(assignments: readonly string[]): ParsedAppParams {
  const values: Record<string, string> = {};
  const problems: ParsedAppParams["problems"] = [];
  for (const assignment of assignments) {
    const at = assignment.indexOf("=");
    const name = at < 0 ? assignment : assignment.slice(0, at);
    const spec = APP_PARAMS.find((candidate) => candidate.name.toLowerCase() === name.toLowerCase());
    if (at < 0) {
      problems.push({ where: assignment, message: `"${assignment}" is not K=V` });
      continue;
    }
    if (!spec) {
      problems.push({ where: name, message: `${name} is not an app parameter`, name });
      continue;
    }
    const given = assignment.slice(at + 1);
    const value = spec.values.find((candidate) => candidate.toLowerCase() === given.toLowerCase() || (candidate === "Yes" && /^true$/i.test(given)) || (candidate === "No" && /^false$/i.test(given)));
    if (!value) problems.push({ where: spec.name, message: `${spec.name}=${given}: ${spec.name} is ${spec.values.join(" or ")}` });
    else values[spec.name] = value;
  }
  return { values, problems };
}

/** The app's parameters as its stack holds them (one an older racknet did not declare: its default). */
export function appParamValues(stackParameters: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(APP_PARAMS.map((spec) => [spec.name, stackParameters[spec.name] ?? spec.default]));
}
