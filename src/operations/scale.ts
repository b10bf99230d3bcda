import { UsageError, UserError } from "../errors/index.js";
import { currentRelease } from "../app-records/releases.js";
import { countText, parseCount, scaleService, withSetting, type ScaleSetting } from "../app-records/scale.js";
import type { Outcome } from "../ui/outcome.js";
import { describeMemoryChoices, memoryChoices, FARGATE_CPUS } from "../manifest/fargate.js";
import { manifestFromText } from "../manifest/index.js";
import { deployedTemplate } from "../aws/stacks.js";
import { serviceIds } from "../templates/app-contract.js";
import { appName, type Context } from "../runtime/context.js";
import { readAppReleases } from "../app-steps/releases.js";
import { resolveApp, resolveRack } from "../shared-steps/resolve.js";
import { deployApp } from "./deploy.js";
import { Flag } from "../names/flags.js";

/** The task-count ceiling racknet takes (the manifest's own: scale.count up to 1000). */
const COUNT_MAX = 1000;

/**
 * `racknet scale SERVICE [--count N|N-M] [--cpu C] [--memory M]`: the app deployed again from
 * its current release with the service's size changed, through a change set whose plan shows
 * the cost before and after; recorded as a release. The setting stays across deploys until
 * convox.yml changes that key (src/app-records/scale.ts). The images stay exactly as deployed, so a
 * count change rolls no task.
 */
export async function run(context: Context, args: { service: string; count?: string; cpu?: string; memory?: string }): Promise<Outcome> {
  const setting = parseSetting(args);
  const app = appName(context.options);
  const rack = await resolveRack(context);
  const stack = await resolveApp(context, rack, app);
  const releases = await readAppReleases(context, { rack: rack.rack, app });
  const current = currentRelease(releases);
  if (!current?.manifest) {
    throw new UserError(`app ${app} has no release racknet can scale from${current ? " (its manifest was not kept)" : ""}; nothing was changed`, {
      fix: `deploy it once with this racknet (\`racknet deploy -a ${app}\`), or set scale: in convox.yml`,
    });
  }
  const { manifest } = manifestFromText(current.manifest.text, current.manifest.file);
  const service = manifest.services.find((candidate) => candidate.name === args.service);
  if (!service) {
    throw new UserError(`app ${app} has no service ${args.service}; nothing was changed`, { fix: `the services are ${manifest.services.map((one) => one.name).join(", ")}` });
  }
  const overrides = withSetting(current.scale, service, setting);
  const scaled = scaleService(service, overrides[service.name]?.set ?? {});
  if (!memoryChoices(scaled.scale.cpu).includes(scaled.scale.memory)) {
    throw new UserError(`${args.service} would have ${scaled.scale.cpu} CPU units and ${scaled.scale.memory} MiB; Fargate runs ${FARGATE_CPUS.includes(scaled.scale.cpu) ? `${describeMemoryChoices(scaled.scale.cpu)} MiB with ${scaled.scale.cpu} CPU units` : `CPU ${FARGATE_CPUS.join(", ")}`}; nothing was changed`, {
      fix: `give ${Flag.cpu} and ${Flag.memory} together as a Fargate size, e.g. ${Flag.cpu} 512 ${Flag.memory} 1024`,
    });
  }
  const images = await deployedImages(context, stack.id || stack.name, manifest.services);
  const description = `scale ${args.service} ${describeSetting(setting)}`;
  const result = await deployApp(context, {
    app,
    source: current.manifest,
    prebuilt: manifest.services.flatMap((one) => (one.build && images[one.name] ? [`${one.name}=${images[one.name]}`] : [])),
    release: { kind: "scale", description, command: `scale ${args.service} ${cliSetting(setting)}`, scale: overrides },
  });
  if (result.outcome === "applied") context.printer.success(`${args.service} of app ${app}: ${describeSetting(setting)}, as release ${result.release}; kept across deploys until convox.yml changes it`);
  return { changesPending: result.outcome === "dry-run", json: { ...result, service: args.service, scale: { ...(setting.count ? { count: countText(setting.count) } : {}), ...(setting.cpu ? { cpu: setting.cpu } : {}), ...(setting.memory ? { memory: setting.memory } : {}) } } };
}

function parseSetting(args: { count?: string; cpu?: string; memory?: string }): ScaleSetting {
  if (args.count === undefined && args.cpu === undefined && args.memory === undefined) {
    throw new UsageError(`nothing to scale: give ${Flag.count}, ${Flag.cpu} or ${Flag.memory}`, { fix: `e.g. racknet scale web ${Flag.count} 3, or ${Flag.count} 2-6 to autoscale` });
  }
  const setting: ScaleSetting = {};
  if (args.count !== undefined) {
    const count = parseCount(args.count);
    if (!count || count.max > COUNT_MAX) throw new UsageError(`${Flag.count} ${args.count} is not a count from 0 to ${COUNT_MAX} or a range N-M (the smaller number first)`, { fix: `e.g. ${Flag.count} 3, or ${Flag.count} 2-6` });
    setting.count = count;
  }
  for (const key of ["cpu", "memory"] as const) {
    const text = args[key];
    if (text === undefined) continue;
    if (!/^\d{1,6}$/.test(text)) throw new UsageError(`--${key} ${text} is not a whole number`, { fix: key === "cpu" ? `CPU units: ${FARGATE_CPUS.join(", ")}` : `memory in MiB, e.g. ${Flag.memory} 1024` });
    setting[key] = Number(text);
  }
  return setting;
}

function describeSetting(setting: ScaleSetting): string {
  return [setting.count ? `count ${countText(setting.count)}` : "", setting.cpu ? `cpu ${setting.cpu}` : "", setting.memory ? `memory ${setting.memory}` : ""].filter(Boolean).join(", ");
}

function cliSetting(setting: ScaleSetting): string {
  return [setting.count ? `${Flag.count} ${countText(setting.count)}` : "", setting.cpu ? `${Flag.cpu} ${setting.cpu}` : "", setting.memory ? `${Flag.memory} ${setting.memory}` : ""].filter(Boolean).join(" ");
}

/** The image each service's task definition runs in the deployed template (a build's tag, as deployed). */
async function deployedImages(context: Context, stackId: string, services: readonly { name: string }[]): Promise<Record<string, string>> {
  const template = (await deployedTemplate(await context.aws.cloudFormation(), stackId)) as { Resources?: Record<string, { Properties?: { ContainerDefinitions?: { Image?: unknown }[] } }> };
  const images: Record<string, string> = {};
  for (const service of services) {
    const image = template.Resources?.[serviceIds(service.name).taskDefinition]?.Properties?.ContainerDefinitions?.[0]?.Image;
    if (typeof image === "string") images[service.name] = image;
  }
  return images;
}
