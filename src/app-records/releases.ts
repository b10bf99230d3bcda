/**
 * An app's releases: every deploy, environment change, scale and rollback is one, numbered
 * from 1, holding what a rollback needs to put the app back (the manifest, the images by
 * digest, the scale set with `racknet scale`) and what a person asks afterwards (who, when,
 * how it ended). How one is stored (one SSM parameter) and read back lives here too. Pure.
 */
import { gunzipSync, gzipSync } from "node:zlib";
import type { ScaleOverrides } from "./scale.js";

export type ReleaseKind = "deploy" | "env" | "scale" | "rollback" | "params";

/** `running` until racknet saw the change end; `rolled-back`: cancelled or timed out, and CloudFormation put the app back. */
export type ReleaseOutcome = "running" | "succeeded" | "failed" | "rolled-back";

export interface Release {
  number: number;
  kind: ReleaseKind;
  /** In words: `deploy`, `env set LOG_LEVEL`, `scale web count 3`, `rollback to 4`. */
  description: string;
  createdAt: string;
  /** The caller's identity (STS GetCallerIdentity's ARN). */
  by: string;
  racknetVersion: string;
  /** The app environment's version the release ran with (names and versions, never values). */
  environmentVersion: string;
  /** The image of each service: by digest when it is in the app's repository. */
  images: Record<string, string>;
  /** The manifest's text and its file name; absent when it could not be kept (see `MANIFEST_KEPT_MAX_BYTES`). */
  manifest?: { file: string; text: string };
  scale: ScaleOverrides;
  outcome: ReleaseOutcome;
  /** A rollback names the release it went back to. */
  rollbackOf?: number;
}

/** The last releases kept in Parameter Store; older ones are deleted as new ones come. */
export const RELEASES_KEPT = 50;

/**
 * The current release and the ones before it, up to this many in all, keep their images
 * from expiring in ECR: what `releases rollback` can always return to. An older release can
 * be rolled back to while its images happen to remain (racknet checks before any write).
 */
export const ROLLBACK_WINDOW = 10;

/**
 * An advanced SSM parameter holds 8 KB (a standard one 4 KB: Intelligent-Tiering picks);
 * what is over that is stored without its manifest, and cannot be rolled back to.
 */
export const RELEASE_VALUE_MAX_BYTES = 8192;

interface StoredRelease extends Omit<Release, "manifest"> {
  /** The manifest, gzip'd and base64'd: a convox.yml shrinks to a fifth. */
  manifestGz?: string;
  manifestFile?: string;
}

/** The parameter's value: JSON, the manifest compressed; without the manifest when it does not fit. */
export function encodeRelease(release: Release): string {
  const { manifest, ...rest } = release;
  const stored: StoredRelease = { ...rest, ...(manifest ? { manifestFile: manifest.file, manifestGz: gzipSync(manifest.text).toString("base64") } : {}) };
  const text = JSON.stringify(stored);
  if (Buffer.byteLength(text) <= RELEASE_VALUE_MAX_BYTES) return text;
  const { manifestGz: _dropped, manifestFile: _file, ...without } = stored;
  return JSON.stringify(without);
}

/** A stored release; undefined for a value that is not one (never a crash on someone's parameter). */
export function decodeRelease(value: string): Release | undefined {
  let stored: StoredRelease;
  try {
    stored = JSON.parse(value) as StoredRelease;
  } catch {
    return undefined;
  }
  if (typeof stored !== "object" || stored === null || !Number.isInteger(stored.number)) return undefined;
  const { manifestGz, manifestFile, ...rest } = stored;
  const manifest = manifestGz ? { file: manifestFile ?? "convox.yml", text: gunzipSync(Buffer.from(manifestGz, "base64")).toString("utf8") } : undefined;
  return { ...rest, images: rest.images ?? {}, scale: rest.scale ?? {}, ...(manifest ? { manifest } : {}) };
}

/** Releases whose images are kept: the newest `ROLLBACK_WINDOW` numbers up to `latest`. */
export function keptReleaseNumbers(latest: number): number[] {
  const numbers: number[] = [];
  for (let number = latest; number > 0 && numbers.length < ROLLBACK_WINDOW; number -= 1) numbers.push(number);
  return numbers;
}

/** The release the app runs now: the newest that succeeded (a failed or rolled-back one left the one before it running). */
export function currentRelease(releases: readonly Release[]): Release | undefined {
  return [...releases].sort((a, b) => b.number - a.number).find((release) => release.outcome === "succeeded");
}

/** `3`, `r3`, `R3`: the release number a user means; undefined when it is none. */
export function releaseNumberOf(text: string): number | undefined {
  const match = /^[rR]?(\d{1,6})$/.exec(text.trim());
  const number = match ? Number(match[1]) : NaN;
  return Number.isInteger(number) && number > 0 ? number : undefined;
}
