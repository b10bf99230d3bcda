import { UserError } from "../errors/index.js";
import type { Outcome } from "../ui/outcome.js";
import { appName, type Context } from "../runtime/context.js";
import { goneImages, inAppRepository, readAppReleases } from "../app-steps/releases.js";
import { resolveApp, resolveRack } from "../shared-steps/resolve.js";
import { manifestFromText } from "../manifest/index.js";
import { deployApp } from "./deploy.js";
import { findRelease } from "./releases-info.js";

/**
 * `racknet releases rollback REL`: the app deployed again from that release's manifest and
 * images (by digest), through a change set shown and approved like any deploy, recorded as a
 * new release. The app environment stays as it is now (its values are not part of a release);
 * `racknet scale` settings in force stay while the old manifest has the same values. A release
 * whose manifest was not kept, or whose image is gone from the app's repository, is refused
 * before anything is written, naming what is missing.
 */
export async function run(context: Context, args: { release: string }): Promise<Outcome> {
  const app = appName(context.options);
  const rack = await resolveRack(context);
  await resolveApp(context, rack, app);
  const ref = { rack: rack.rack, app };
  const release = findRelease(await readAppReleases(context, ref), args.release, app);
  if (!release.manifest) {
    throw new UserError(`release ${release.number} of app ${app} cannot be rolled back to: its manifest was not kept (over 8 KB compressed); nothing was changed`, {
      fix: `deploy that version's convox.yml with \`racknet deploy -a ${app}\``,
    });
  }
  const gone = await goneImages(context, ref, release);
  if (gone.length > 0) {
    throw new UserError(`release ${release.number} of app ${app} cannot be rolled back to: ${gone.map((entry) => `${entry.service}'s image ${entry.image}`).join(", ")} ${gone.length === 1 ? "is" : "are"} gone from ECR; nothing was changed`, {
      fix: `deploy a release whose images remain (\`racknet releases -a ${app}\`), or build the image again with \`racknet deploy\``,
    });
  }
  const { manifest } = manifestFromText(release.manifest.text, release.manifest.file);
  // build: services run the release's images (by digest), so nothing is built again.
  const prebuilt = manifest.services.flatMap((service) => {
    const image = release.images[service.name];
    return service.build && image && inAppRepository(ref, image) ? [`${service.name}=${image}`] : [];
  });
  const result = await deployApp(context, {
    app,
    source: release.manifest,
    prebuilt,
    release: { kind: "rollback", description: `rollback to ${release.number}`, command: `releases rollback ${release.number}`, rollbackOf: release.number },
  });
  if (result.outcome === "applied") context.printer.success(`app ${app} rolled back to release ${release.number}'s manifest and images, as release ${result.release}`);
  return { json: { ...result, rollbackOf: release.number }, changesPending: result.outcome === "dry-run" };
}
