import { ROLLBACK_WINDOW, currentRelease, keptReleaseNumbers, type Release } from "../app-records/releases.js";
import { countText } from "../app-records/scale.js";
import { outcome, type Outcome } from "../ui/outcome.js";
import { appName, type Context } from "../runtime/context.js";
import { readAppReleases } from "../app-steps/releases.js";
import { resolveApp, resolveRack } from "../shared-steps/resolve.js";

/** `racknet releases --json`. */
export interface ReleasesResult {
  app: string;
  rack: string;
  /** The release the app runs now (the newest that succeeded). */
  current: number | null;
  /** How many releases, the current one included, keep their images for a rollback. */
  rollbackWindow: number;
  releases: ReleaseRow[];
}

export interface ReleaseRow {
  release: number;
  kind: Release["kind"];
  description: string;
  outcome: Release["outcome"];
  current: boolean;
  /** Its images are kept from expiring (it is within the rollback window). */
  imagesKept: boolean;
  createdAt: string;
  by: string;
  racknetVersion: string;
  environmentVersion: string;
  images: Record<string, string>;
  /** `racknet scale` settings in force: service → count, cpu, memory. */
  scale: Record<string, { count?: string; cpu?: number; memory?: number }>;
  rollbackOf: number | null;
  /** Its manifest was kept (a release without one cannot be rolled back to). */
  manifestKept: boolean;
}

/**
 * `racknet releases`: every release kept (the last 50), newest first, which one runs, and
 * which keep their images for a rollback (the last `ROLLBACK_WINDOW`).
 */
export async function run(context: Context): Promise<Outcome> {
  const result = await listReleases(context, appName(context.options));
  return outcome(result, (printer) => {
    if (result.releases.length === 0) {
      printer.info(`app ${result.app} has no releases yet: its next \`racknet deploy\` records release 1`);
      return;
    }
    printer.table(
      [
        { header: "RELEASE", key: "release" },
        { header: "STATUS", key: "status" },
        { header: "DESCRIPTION", key: "description" },
        { header: "CREATED", key: "created" },
        { header: "BY", key: "by" },
        { header: "ROLLBACK", key: "rollback" },
      ],
      result.releases.map((row) => ({
        release: String(row.release),
        status: row.current ? "active" : row.outcome,
        description: row.description,
        created: row.createdAt,
        by: row.by,
        rollback: !row.manifestKept ? "no (manifest not kept)" : row.imagesKept ? "yes" : "if its images remain",
      })),
    );
    printer.info(`the images of the last ${result.rollbackWindow} releases are kept for \`racknet releases rollback\`; an older release can be rolled back to while its images remain`);
  });
}

export async function listReleases(context: Context, app: string): Promise<ReleasesResult> {
  const rack = await resolveRack(context);
  await resolveApp(context, rack, app);
  const releases = await readAppReleases(context, { rack: rack.rack, app });
  const current = currentRelease(releases)?.number ?? null;
  const kept = new Set(keptReleaseNumbers(releases.at(-1)?.number ?? 0));
  return {
    app,
    rack: rack.rack,
    current,
    rollbackWindow: ROLLBACK_WINDOW,
    releases: [...releases].reverse().map((release) => releaseRow(release, current, kept)),
  };
}

export function releaseRow(release: Release, current: number | null, kept: ReadonlySet<number>): ReleaseRow {
  return {
    release: release.number,
    kind: release.kind,
    description: release.description,
    outcome: release.outcome,
    current: release.number === current,
    imagesKept: kept.has(release.number),
    createdAt: release.createdAt,
    by: release.by,
    racknetVersion: release.racknetVersion,
    environmentVersion: release.environmentVersion,
    images: release.images,
    scale: Object.fromEntries(
      Object.entries(release.scale).map(([service, override]) => [
        service,
        { ...(override.set.count ? { count: countText(override.set.count) } : {}), ...(override.set.cpu ? { cpu: override.set.cpu } : {}), ...(override.set.memory ? { memory: override.set.memory } : {}) },
      ]),
    ),
    rollbackOf: release.rollbackOf ?? null,
    manifestKept: release.manifest !== undefined,
  };
}
