import { UserError } from "../errors/index.js";
import { currentRelease, keptReleaseNumbers, releaseNumberOf, type Release } from "../app-records/releases.js";
import { outcome, type Outcome } from "../ui/outcome.js";
import { appName, type Context } from "../runtime/context.js";
import { readAppReleases } from "../app-steps/releases.js";
import { resolveApp, resolveRack } from "../shared-steps/resolve.js";
import { environmentValues, parseManifest } from "../manifest/index.js";
import { releaseRow, type ReleaseRow } from "./releases.js";

/** `racknet releases info REL --json`: the row `releases` shows, and the manifest. */
export interface ReleaseInfo extends ReleaseRow {
  app: string;
  rack: string;
  manifest: { file: string; text: string } | null;
}

export async function run(context: Context, args: { release: string }): Promise<Outcome> {
  const app = appName(context.options);
  const rack = await resolveRack(context);
  await resolveApp(context, rack, app);
  const releases = await readAppReleases(context, { rack: rack.rack, app });
  const release = findRelease(releases, args.release, app);
  const row = releaseRow(release, currentRelease(releases)?.number ?? null, new Set(keptReleaseNumbers(releases.at(-1)?.number ?? 0)));
  // A manifest's environment defaults are often secrets: never printed, also not with --json.
  const manifest = release.manifest ? { file: release.manifest.file, text: masked(release.manifest) } : null;
  const info: ReleaseInfo = { app, rack: rack.rack, ...row, manifest };
  return outcome(info, (printer) => {
    printer.keyValues([
      ["Release", String(info.release)],
      ["Status", info.current ? `active (${info.outcome})` : info.outcome],
      ["Description", info.description],
      ["Created", info.createdAt],
      ["By", info.by],
      ["Racknet", info.racknetVersion],
      ["Environment", info.environmentVersion],
      ...Object.entries(info.images).map(([service, image]) => [`Image ${service}`, image] as const),
      ...Object.entries(info.scale).map(([service, scale]) => [`Scale ${service}`, Object.entries(scale).map(([key, value]) => `${key} ${value}`).join(", ")] as const),
      ...(info.rollbackOf ? [["Rollback of", String(info.rollbackOf)] as const] : []),
      ["Manifest", info.manifest ? info.manifest.file : "not kept (over 8 KB compressed): this release cannot be rolled back to"],
    ]);
  });
}

/** The release of that number; a clear refusal naming the ones there are. */
export function findRelease(releases: readonly Release[], text: string, app: string): Release {
  const number = releaseNumberOf(text);
  if (number === undefined) throw new UserError(`"${text}" is not a release number`, { fix: `give a number from \`racknet releases -a ${app}\`, e.g. 3` });
  const release = releases.find((candidate) => candidate.number === number);
  if (!release) {
    const range = releases.length > 0 ? `releases ${releases[0]?.number} to ${releases.at(-1)?.number} are kept` : "it has no releases yet";
    throw new UserError(`app ${app} has no release ${number}: ${range}`, { fix: `see them with \`racknet releases -a ${app}\`` });
  }
  return release;
}

/** The manifest's text with the values of its environment defaults as `****`. */
function masked(manifest: { file: string; text: string }): string {
  const parsed = parseManifest(manifest.text, manifest.file).manifest;
  const secrets = parsed ? environmentValues(parsed).sort((a, b) => b.length - a.length) : [];
  return secrets.reduce((text, secret) => text.split(secret).join("****"), manifest.text);
}
