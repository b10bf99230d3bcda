import { appName, type Context } from "../runtime/context.js";
import { UserError } from "../errors/index.js";
import { outcome, type Outcome } from "../ui/outcome.js";
import { APP_NAME_MAX, nameProblem } from "../names/index.js";
import { loadManifest } from "../files/manifest.js";
import { findApp, resolveRack } from "../shared-steps/resolve.js";
import { prepareBuilds } from "../app-steps/build-images.js";

/**
 * `racknet build [-a APP] [-f convox.yml]`: build the app's `build:` services on the rack and
 * push them to the app's ECR repository, as `racknet deploy` would, and deploy nothing. Prints
 * each service's image URI, for `racknet deploy --image SERVICE=URI` or any other use. An
 * image ECR has already (same content tag) is not built again.
 */

export interface BuiltServiceImage {
  service: string;
  image: string;
  /** False when ECR had the image already. */
  built: boolean;
}

export interface BuildResult {
  app: string;
  rack: string;
  repository: string;
  images: BuiltServiceImage[];
}

export async function run(context: Context, args: { file: string }): Promise<Outcome> {
  const app = appName(context.options);
  const problem = nameProblem("app", app, APP_NAME_MAX);
  if (problem) throw new UserError(problem, { fix: "pass -a APP with a valid name" });
  const { manifest, warnings } = await loadManifest(args.file);
  for (const warning of warnings) context.printer.warnProblem(warning);
  const rack = await resolveRack(context);
  // Built before the first deploy too; a stack under the app's name must be this app's (its deploy would be refused).
  await findApp(context, rack, app);

  const builds = await prepareBuilds(context, { rack, app, manifest });
  const plan = builds.plan;
  if (!plan) {
    throw new UserError(`${args.file} has no service built from source (build:); there is nothing to build`, {
      fix: "give a service a build: section (or leave out its image:), or deploy its image with `racknet deploy`",
    });
  }
  const builtNow = new Set((await builds.build()).filter((image) => image.built).map((image) => image.imageUri));
  const images = plan.images.flatMap((image) => image.services.map((service) => ({ service, image: image.uri, built: builtNow.has(image.uri) })));
  const result: BuildResult = { app, rack: rack.rack, repository: plan.repository.name, images };
  return outcome(result, (printer) => {
    const built = images.filter((image) => image.built).length;
    printer.success(`app ${app}: ${images.length} service image(s) in ECR repository ${plan.repository.name} (${built} built now); deploy them with \`racknet deploy\``);
    printer.table(COLUMNS, images.map((image) => ({ service: image.service, image: image.image, built: image.built ? "built" : "in ECR already" })));
  });
}

const COLUMNS = [
  { header: "SERVICE", key: "service" },
  { header: "IMAGE", key: "image" },
  { header: "BUILD", key: "built" },
] as const;
