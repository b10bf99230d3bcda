import { appName, type Context } from "../runtime/context.js";
import { UserError, ValidationErrors, type Problem } from "../errors/index.js";
import { outcome, type Outcome } from "../ui/outcome.js";
import { readManifestText } from "../files/manifest.js";
import { LISTENER_PORT, exposureSummary, parseManifest, type Service, type ServiceExposure } from "../manifest/index.js";
import { jsonProblem } from "../ui/json-problem.js";
import { applyAssignments, defaultParams, type RackParams } from "../rack/params.js";
import { splitRackParams } from "../rack/param-list.js";
import { resolveEnvironment } from "../manifest/environment.js";
import type { Manifest } from "../manifest/model.js";
import { APP_NAME_MAX, RACK_NAME_MAX, appEnvironmentParameter, appEnvironmentPath, nameProblem } from "../names/index.js";
import { Flag } from "../names/flags.js";

/**
 * `racknet manifest check [-f convox.yml] [--rack-params K=V,...]`: every problem in the
 * manifest, offline (no AWS call), then what a deploy would expose. With --rack-params the
 * rack-aware rules run against those parameters (the rest keep their defaults). With -r RACK
 * and no --rack-params it reaches the rack, as deploy does: the rack's own parameters and the
 * app environment's names, so a required variable that is not set is a problem here as it is
 * at deploy (one verdict; docs/decisions.md). When AWS cannot be reached it checks offline and
 * says what it could not check.
 */

/** Stands for the rack's name when -r is not given; only the DNS names shown depend on it. */
const RACK_PLACEHOLDER = "rack";

export async function run(context: Context, args: { file: string; rackParams: string | undefined }): Promise<Outcome> {
  const { file } = args;
  const rack = context.options.rack ?? RACK_PLACEHOLDER;
  const app = appName(context.options);
  const params = args.rackParams === undefined ? undefined : rackParams(args.rackParams);
  const names = nameProblems(app, rack);
  if (names.length > 0) throw new ValidationErrors(`cannot check ${file} for this app and rack`, names);

  const text = await readManifestText(file);
  const reached = context.options.rack && params === undefined ? await reachRackIfAble(context, app) : undefined;
  const checkedParams = params ?? reached?.params;
  const parsed = parseManifest(text, file, { app, rack, ...(checkedParams ? { params: checkedParams } : {}) });
  const { manifest, warnings } = parsed;
  const problems = manifest && reached ? [...parsed.problems, ...unsetRequired(manifest, rack, app, reached.names)] : parsed.problems;
  for (const warning of warnings) context.printer.warnProblem(warning);
  const verdict = { file, app, rack, ...(checkedParams ? { params: checkedParams } : {}), warnings: warnings.map(jsonProblem) };
  if (!manifest || problems.length > 0) {
    // The verdict is the result, invalid too: --json gives it beside the error (exit 1).
    return { json: { ...verdict, valid: false, problems: problems.map(jsonProblem), services: [] }, failure: new ValidationErrors(`${file} has ${problems.length} ${problems.length === 1 ? "problem" : "problems"}`, problems) };
  }

  const byName = new Map(manifest.services.map((service) => [service.name, service]));
  const services = exposureSummary(manifest, { app, rack, domain: checkedParams?.Domain ?? "" }).map((exposure) => ({ ...exposure, ...imageSource(byName.get(exposure.service)) }));
  return outcome({ ...verdict, valid: true, problems: [], services: services.map(serviceJson) }, (printer) => {
    const against = reached ? "; checked against the rack's parameters and the app environment" : params ? "" : `; add -r RACK to check against the rack and the app environment, or ${Flag.rackParams} offline`;
    printer.success(`${file} is valid: ${services.length} ${services.length === 1 ? "service" : "services"} (app ${app}, rack ${rack}${against})`);
    printer.table(COLUMNS, services.map(row));
    if (services.some((service) => service.endpoints.some((endpoint) => endpoint.needsDomain) || service.links.some((link) => link.needsDomain))) {
      printer.info(`external names need the rack's Domain: racknet rack params set Domain=example.com (names marked "needs Domain")`);
    }
  });
}

/** The rack as `reachRack` reads it, or undefined (with a warning) when AWS cannot be reached; a rack that does not exist is an error. */
async function reachRackIfAble(context: Context, app: string): Promise<{ params: RackParams; names: string[] } | undefined> {
  try {
    return await reachRack(context, app);
  } catch (error) {
    if (error instanceof UserError) throw error;
    const { describeAwsError } = await import("../aws/errors.js");
    const reason = describeAwsError(error)?.message ?? (error instanceof Error ? error.message : String(error));
    context.printer.warn(`could not reach rack ${context.options.rack} (${reason.replace(/\.$/, "")}): checked offline, with default rack parameters; required variables of the app environment were not checked`);
    return undefined;
  }
}

/** The rack's parameters and the names the app environment sets (never their values). */
async function reachRack(context: Context, app: string): Promise<{ params: RackParams; names: string[] }> {
  // Loaded here, not with the workflow: an offline check (--rack-params, or no -r) never reaches AWS.
  const [{ resolveRack }, { parameterNamesUnder }] = await Promise.all([import("../shared-steps/resolve.js"), import("../aws/app-environment.js")]);
  const rack = await resolveRack(context);
  const prefix = appEnvironmentParameter(rack.rack, app, "");
  const names = (await parameterNamesUnder(await context.aws.ssm(), appEnvironmentPath(rack.rack, app).replace(/\/$/, ""))).filter((name) => name.startsWith(prefix)).map((name) => name.slice(prefix.length));
  return { params: rack.params, names };
}

/** The required variables (`NAME` without a default) the app environment does not set: deploy's own check, on names only. */
function unsetRequired(manifest: Manifest, rack: string, app: string, names: readonly string[]): Problem[] {
  // Values stand in for the names set: only which names are missing matters here.
  const stored = Object.fromEntries(names.map((name) => [name, "set"]));
  return resolveEnvironment(manifest, { rack, app, stored }).problems.filter((problem) => problem.message.includes(" is required by "));
}

function rackParams(text: string): RackParams {
  const { params, problems } = applyAssignments(defaultParams(), splitRackParams(text), "install");
  if (problems.length > 0) {
    throw new ValidationErrors(
      `${Flag.rackParams} has ${problems.length} ${problems.length === 1 ? "problem" : "problems"}`,
      problems.map((problem) => ({ where: Flag.rackParams, path: problem.param, message: problem.message, ...(problem.fix ? { fix: problem.fix } : {}) })),
    );
  }
  return params;
}

function nameProblems(app: string, rack: string): Problem[] {
  const problems: Problem[] = [];
  const appProblem = nameProblem("app", app, APP_NAME_MAX);
  if (appProblem) problems.push({ where: "-a", message: appProblem, fix: "pass -a APP with a valid name" });
  const rackProblem = nameProblem("rack", rack, RACK_NAME_MAX);
  if (rackProblem) problems.push({ where: "-r", message: rackProblem, fix: "pass -r RACK with a valid name" });
  return problems;
}

/** Where a service's image comes from: the manifest's `image:`, or a build (`build:`, or neither key: Convox builds `.`). */
function imageSource(service: Service | undefined): { image?: string; build?: { path: string; dockerfile: string } } {
  if (service?.build) return { build: { path: service.build.path, dockerfile: service.build.dockerfile } };
  return service?.image ? { image: service.image } : {};
}

function imageText(source: ReturnType<typeof imageSource>): string {
  if (!source.build) return source.image ?? "-";
  return `built from ${source.build.path}${source.build.dockerfile === "Dockerfile" ? "" : ` (${source.build.dockerfile})`}`;
}

interface Row extends Record<string, string> {
  service: string;
  visibility: string;
  endpoints: string;
  ports: string;
  links: string;
  image: string;
}

const COLUMNS = [
  { header: "SERVICE", key: "service" },
  { header: "VISIBILITY", key: "visibility" },
  { header: "ENDPOINTS", key: "endpoints" },
  { header: "PORTS", key: "ports" },
  { header: "LINKS", key: "links" },
  { header: "IMAGE", key: "image" },
] as const;

/** A service as `manifest check --json` gives it: ports and endpoints in the shape `racknet services --json` uses, and where its image comes from. */
function serviceJson(service: ServiceExposure & ReturnType<typeof imageSource>) {
  return {
    service: service.service,
    visibility: service.visibility,
    ...(service.build ? { build: service.build } : service.image ? { image: service.image } : {}),
    ports: service.port ? [{ listener: LISTENER_PORT, container: service.port.port, scheme: service.port.scheme }] : [],
    // As `racknet services` gives a deployed endpoint: a name that needs the Domain is a host, never a URL.
    endpoints: service.endpoints.map((endpoint) => (endpoint.needsDomain ? { kind: endpoint.kind, url: null, needsDomain: true, host: endpoint.host } : { kind: endpoint.kind, url: endpoint.url })),
    links: service.links.map((link) => ({ name: link.name, target: link.target, kind: link.kind, value: link.value, needsDomain: link.needsDomain })),
  };
}

function row(service: ServiceExposure & ReturnType<typeof imageSource>): Row {
  const needsDomain = (needs: boolean) => (needs ? " (needs Domain)" : "");
  return {
    service: service.service,
    visibility: service.visibility,
    endpoints: service.endpoints.length === 0 ? "private network only" : service.endpoints.map((endpoint) => `${endpoint.url}${needsDomain(endpoint.needsDomain)}`).join(" "),
    ports: service.ports || "-",
    links: service.links.map((link) => `${link.name}=${link.value}${needsDomain(link.needsDomain)}`).join(" ") || "-",
    image: imageText(service),
  };
}
