import { UserError } from "../errors/index.js";
import { outcome, type Outcome } from "../ui/outcome.js";
import type { Printer } from "../ui/printer.js";
import { secretString } from "../aws/resources.js";
import { closestName } from "../rack/closest-name.js";
import { resourceIds } from "../templates/app-resources.js";
import { linkVariable } from "../names/index.js";
import { deployedResources, type DeployedResource } from "../app-steps/app-resources.js";
import { resolveApp, resolveRack } from "../shared-steps/resolve.js";
import { appName, type Context } from "../runtime/context.js";
import { sizeText } from "./resources.js";
import { Flag } from "../names/flags.js";

/**
 * `racknet resources info NAME [--reveal]`: one resource (issue 29): engine, version, size,
 * status, endpoint host and port, the services that reach it; its URL (with the password)
 * only with --reveal, read from its Secrets Manager secret at that moment.
 */

/** `racknet resources info --json`. */
export interface ResourceInfo {
  app: string;
  rack: string;
  resource: DeployedResource;
  /** The variable the linked services get. */
  variable: string;
  /** Only with --reveal. */
  url?: string;
}

export async function run(context: Context, args: { name: string; reveal: boolean }): Promise<Outcome> {
  const rack = await resolveRack(context);
  const app = await resolveApp(context, rack, appName(context.options));
  const { resources, states } = await deployedResources(context, app);
  const resource = resources.find((candidate) => candidate.name === args.name);
  if (!resource) {
    const names = resources.map((candidate) => candidate.name);
    const suggestion = closestName(args.name, names);
    throw new UserError(`app ${app.app} has no resource ${args.name}${suggestion ? `; did you mean ${suggestion}?` : ""}`, {
      fix: names.length > 0 ? `resources of ${app.app}: ${names.join(", ")} (racknet resources -a ${app.app})` : `declare it under resources: in convox.yml and deploy`,
    });
  }
  const variable = linkVariable(resource.name);
  const secretArn = states.get(resourceIds(resource.name).url)?.physicalId;
  if (args.reveal && !secretArn) {
    throw new UserError(`resource ${resource.name} has no URL yet (${resource.status})`, { fix: `wait for the deploy: racknet apps wait ${app.app}` });
  }
  const url = args.reveal && secretArn ? await secretString(await context.aws.secretsManager(), secretArn) : undefined;
  const info: ResourceInfo = { app: app.app, rack: rack.rack, resource, variable, ...(url !== undefined ? { url } : {}) };
  const human = (printer: Printer) =>
    printer.keyValues([
      ["Name", resource.name],
      ["Type", resource.type],
      ["Engine", `${resource.engine} ${resource.version}`],
      ["Size", sizeText(resource)],
      ["Status", resource.statusReason ? `${resource.status} (${resource.statusReason})` : resource.status],
      ["Host", resource.endpoint?.host ?? "-"],
      ["Port", resource.endpoint ? String(resource.endpoint.port) : "-"],
      ["Services", resource.services.join(", ") || "-"],
      ["Variable", variable],
      ["URL", url ?? `hidden (${Flag.reveal} shows it)`],
    ]);
  return outcome(info, human, { reveal: url !== undefined });
}
