import { ValidationErrors } from "../errors/index.js";
import { UserError } from "../errors/index.js";
import { APP_PARAMS, appParamValues, parseAppParams } from "../app-records/params.js";
import { currentRelease } from "../app-records/releases.js";
import type { Outcome } from "../ui/outcome.js";
import { deployStack } from "../aws/changeset/deploy.js";
import { pendingOn } from "../aws/changeset/preflight.js";
import { planJson } from "../plan/plan.js";
import { closestName } from "../rack/closest-name.js";
import type { Context } from "../runtime/context.js";
import { readAppMetadata } from "../shared-steps/app-metadata.js";
import { claimLock } from "../safety/operation.js";
import { exposure, plannedApp } from "../shared-steps/plan-context.js";
import { readAppReleases, recordRelease, settleRelease, type RecordedRelease } from "../app-steps/releases.js";
import { resolveApp, resolveRack } from "../shared-steps/resolve.js";
import { operationPort } from "../shared-steps/review.js";
import { appName } from "../runtime/context.js";

/**
 * `racknet apps params set K=V ...`: the app's stack updated with its template as deployed
 * and the new parameter values, through a change set shown and approved like any change.
 * `Exec=Yes` gives the tasks a role with the four ssmmessages actions and turns execute
 * command on for every service (a rolling deployment): it lets whoever may call
 * ecs:ExecuteCommand into the containers, so it is a broadening change, approved as one
 * (`--require-approval`). Recorded as a release.
 */
export async function run(context: Context, args: { params: string[] }): Promise<Outcome> {
  const parsed = parseAppParams(args.params);
  if (parsed.problems.length > 0) {
    throw new ValidationErrors(`${parsed.problems.length === 1 ? "a parameter is" : `${parsed.problems.length} parameters are`} invalid; nothing was changed`, parsed.problems.map((problem) => ({ where: problem.where, message: problem.message, fix: fixFor(problem.name) })));
  }
  const name = appName(context.options);
  const rack = await resolveRack(context);
  const claim = claimLock(context, { rack: rack.rack, app: name }, { operation: "apps params set", key: name, command: `racknet apps params set ${args.params.join(" ")} -a ${name} -r ${rack.rack}` });
  try {
    const app = await resolveApp(context, rack, name);
    const missing = APP_PARAMS.filter((spec) => spec.name in parsed.values && !(spec.name in app.parameters)).map((spec) => spec.name);
    if (missing.length > 0) {
      throw new UserError(`app ${name} was deployed by an older racknet, whose app stack has no ${missing.join(", ")} parameter; nothing was changed`, { fix: `deploy it once with this racknet (\`racknet deploy -a ${name}\`), then run this again` });
    }
    const current = appParamValues(app.parameters);
    const changed = Object.entries(parsed.values).filter(([key, value]) => current[key] !== value);
    const ref = { rack: rack.rack, app: name };
    if (changed.length === 0) {
      context.printer.success(`no changes: app ${name} has ${Object.entries(parsed.values).map(([key, value]) => `${key}=${value}`).join(", ")} already`);
      return { json: { app: name, rack: rack.rack, outcome: "no-changes", params: current } };
    }
    const [metadata, releases, cleared, pendingBefore] = await Promise.all([readAppMetadata(context, app), readAppReleases(context, ref), claim.confirm([app.name]), context.aws.cloudFormation().then((cfn) => pendingOn(cfn, app.name))]);
    const next = { ...current, ...parsed.values };
    const planned = plannedApp(metadata);
    const port = operationPort(context, {
      exposure: { before: exposure(rack.params, [{ ...planned, exec: current.Exec === "Yes" }]), after: exposure(rack.params, [{ ...planned, exec: next.Exec === "Yes" }]), stackExists: true },
    });
    const base = currentRelease(releases);
    const description = `apps params set ${changed.map(([key, value]) => `${key}=${value}`).join(" ")}`;
    let recorded: RecordedRelease | undefined;
    const outcome = await settleRelease(() => recorded, () =>
      deployStack(
        context.aws,
        {
          stackName: app.name,
          template: { usePrevious: true },
          parameters: { ...app.parameters, ...parsed.values },
          tags: app.tags,
          capabilities: ["CAPABILITY_IAM"],
          notes: changed.map(([key, value]) => noteFor(key, value)),
          existing: app,
          pending: pendingBefore.filter((changeSet) => !cleared.has(changeSet.name)),
        },
        {
          port,
          followCommand: `racknet apps info ${name} -r ${rack.rack}`,
          removeCommand: `racknet apps delete ${name} -r ${rack.rack}`,
          what: `app ${name} on rack ${rack.rack}`,
          beforeExecute: async () => {
            recorded = await recordRelease(context, ref, { kind: "params", description, environmentVersion: base?.environmentVersion ?? "", images: base?.images ?? {}, scale: base?.scale ?? {}, ...(base?.manifest ? { manifest: base.manifest } : {}) }, releases);
          },
        },
      ),
    );
    if (outcome.kind === "applied") context.printer.success(`app ${name}: ${changed.map(([key, value]) => `${key}=${value}`).join(", ")}${next.Exec === "Yes" && current.Exec !== "Yes" ? `; \`racknet exec SERVICE -a ${name} -- sh\` reaches the new tasks` : ""}`);
    return { changesPending: outcome.kind === "dry-run", json: { app: name, rack: rack.rack, outcome: outcome.kind, params: outcome.kind === "applied" ? next : current, ...(recorded ? { release: recorded.release.number } : {}), ...(port.plans[0] ? { plan: planJson(port.plans[0]) } : {}) } };
  } finally {
    await claim.release();
  }
}

function noteFor(key: string, value: string): string {
  if (key === "Exec") {
    return value === "Yes"
      ? "Exec=Yes: every task gets a role with only the ssmmessages actions ECS Exec needs, and the services turn on execute command; the tasks roll to it (a rolling deployment)"
      : "Exec=No: the tasks lose their ECS Exec role and the services turn execute command off; the tasks roll (a rolling deployment)";
  }
  return `${key}=${value}`;
}

function fixFor(name: string | undefined): string {
  const known = APP_PARAMS.map((spec) => spec.name);
  const suggestion = name ? closestName(name, known) : undefined;
  return suggestion ? `did you mean ${suggestion}? the app parameters are ${known.join(", ")}` : `the app parameters are ${known.join(", ")}: e.g. Exec=Yes`;
}
