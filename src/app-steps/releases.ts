/**
 * Recording a release (src/app-records/releases.ts) as a change is applied: the next number claimed
 * once the change is approved, the images of the releases a rollback may return to kept from
 * expiring, the oldest releases forgotten, and the outcome written when the change ends.
 */
import { ROLLBACK_WINDOW, RELEASES_KEPT, decodeRelease, encodeRelease, type Release, type ReleaseKind, type ReleaseOutcome } from "../app-records/releases.js";
import type { ScaleOverrides } from "../app-records/scale.js";
import { imageDigest, missingImages, putLifecyclePolicy, tagImage, untagImages } from "../aws/ecr.js";
import { callerIdentity, createRelease, deleteReleases, readReleaseValues, updateRelease, type AppRef } from "../aws/releases.js";
import { keepTag, repositoryName } from "../names/index.js";
import type { Context } from "../runtime/context.js";
import { racknetVersion } from "../version.js";
import { Interrupted } from "../errors/index.js";

export interface ReleaseDraft {
  kind: ReleaseKind;
  description: string;
  environmentVersion: string;
  images: Record<string, string>;
  manifest?: { file: string; text: string };
  scale: ScaleOverrides;
  rollbackOf?: number;
}

export interface RecordedRelease {
  release: Release;
  finish(outcome: ReleaseOutcome): Promise<void>;
}

/** Every release kept, oldest first (a parameter that is not one is passed over). */
export async function readAppReleases(context: Context, ref: AppRef): Promise<Release[]> {
  const values = await readReleaseValues(await context.aws.ssm(), ref);
  return values.flatMap((value) => decodeRelease(value) ?? []).sort((a, b) => a.number - b.number);
}

/** An image in the app's own repository: `<registry>/<rack>/<app>:<tag>` or `@<digest>`. */
export function inAppRepository(ref: AppRef, image: string): { base: string; tag?: string; digest?: string } | undefined {
  const slash = image.indexOf("/");
  if (slash < 0) return undefined;
  const host = image.slice(0, slash);
  const rest = image.slice(slash + 1);
  const name = repositoryName(ref.rack, ref.app);
  if (!/\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com(\.cn)?$/.test(host)) return undefined;
  if (rest.startsWith(`${name}@`)) return { base: `${host}/${name}`, digest: rest.slice(name.length + 1) };
  if (rest.startsWith(`${name}:`)) return { base: `${host}/${name}`, tag: rest.slice(name.length + 1) };
  return undefined;
}

/** Each service's image with the app repository's ones by digest (a tag found in no image stays as it is). */
export async function pinImages(context: Context, ref: AppRef, images: Readonly<Record<string, string>>): Promise<Record<string, string>> {
  const ecr = await context.aws.ecr();
  const entries = await Promise.all(
    Object.entries(images).map(async ([service, image]) => {
      const own = inAppRepository(ref, image);
      if (!own?.tag) return [service, image] as const;
      const digest = await imageDigest(ecr, repositoryName(ref.rack, ref.app), own.tag);
      return [service, digest ? `${own.base}@${digest}` : image] as const;
    }),
  );
  return Object.fromEntries(entries);
}

/** The digests of the release's images in the app's repository. */
export function ownDigests(ref: AppRef, release: Pick<Release, "images">): { service: string; image: string; digest: string }[] {
  return Object.entries(release.images).flatMap(([service, image]) => {
    const digest = inAppRepository(ref, image)?.digest;
    return digest ? [{ service, image, digest }] : [];
  });
}

/** The release's images that are gone from the app's repository (expired or deleted). */
export async function goneImages(context: Context, ref: AppRef, release: Release): Promise<{ service: string; image: string }[]> {
  const own = ownDigests(ref, release);
  if (own.length === 0) return [];
  const missing = new Set(await missingImages(await context.aws.ecr(), repositoryName(ref.rack, ref.app), own.map((entry) => entry.digest)));
  return own.filter((entry) => missing.has(entry.digest)).map(({ service, image }) => ({ service, image }));
}

/**
 * Claim the next release number (another racknet's claim moves it on), keep its images, and
 * forget what falls out of the kept releases. Called once the change is approved.
 */
export async function recordRelease(context: Context, ref: AppRef, draft: ReleaseDraft, known: readonly Release[]): Promise<RecordedRelease> {
  const [ssm, by] = await Promise.all([context.aws.ssm(), context.aws.sts().then(callerIdentity)]);
  let number = (known.at(-1)?.number ?? 0) + 1;
  let release: Release = { number, ...draft, createdAt: new Date(context.clock.now()).toISOString(), by, racknetVersion: racknetVersion(), outcome: "running" };
  for (let attempt = 0; !(await createRelease(ssm, ref, number, encodeRelease(release))); attempt += 1) {
    if (attempt >= 5) throw new Error(`could not claim a release number for app ${ref.app}: other racknets took ${number - 5} to ${number}`);
    number += 1;
    release = { ...release, number };
  }
  await keepImages(context, ref, release, known.find((old) => old.number === number - ROLLBACK_WINDOW));
  const forget = known.filter((old) => old.number <= number - RELEASES_KEPT).map((old) => old.number);
  if (forget.length > 0) await deleteReleases(ssm, ref, forget);
  const recorded = release;
  return {
    release: recorded,
    finish: (outcome) => updateRelease(ssm, ref, recorded.number, encodeRelease({ ...recorded, outcome })),
  };
}

/** The new release's images get its keep tag; the release that leaves the rollback window loses its own. */
async function keepImages(context: Context, ref: AppRef, release: Release, leaving: Release | undefined): Promise<void> {
  const own = ownDigests(ref, release);
  const untag = leaving && ownDigests(ref, leaving).length > 0 ? [keepTag(leaving.number)] : [];
  if (own.length === 0 && untag.length === 0) return;
  const ecr = await context.aws.ecr();
  const repository = repositoryName(ref.rack, ref.app);
  if (own.length > 0) await putLifecyclePolicy(ecr, repository);
  for (const digest of new Set(own.map((entry) => entry.digest))) await tagImage(ecr, repository, digest, keepTag(release.number));
  await untagImages(ecr, repository, untag);
}

/** Run the change; once it ends, the release it recorded (if it got that far) says how. */
export async function settleRelease<T>(recorded: () => RecordedRelease | undefined, change: () => Promise<T>): Promise<T> {
  try {
    const result = await change();
    await recorded()?.finish("succeeded");
    return result;
  } catch (error) {
    const release = recorded();
    // Ctrl-C while watching: the change goes on in AWS, and the release stays `running`.
    if (error instanceof Interrupted && /continues in AWS/.test(error.message)) throw error;
    if (release) await release.finish(rolledBack(error) ? "rolled-back" : "failed").catch(() => undefined);
    throw error;
  }
}

/** A failure that ended with the app put back as it was (UPDATE_ROLLBACK_COMPLETE). */
function rolledBack(error: unknown): boolean {
  return error instanceof Error && /UPDATE_ROLLBACK_COMPLETE\b/.test(error.message);
}
