import { ValidationErrors, type Problem } from "../errors/index.js";
import type { Manifest } from "./model.js";
import { parseManifest } from "./parse.js";
import type { ManifestContext } from "./rules.js";

export interface LoadedManifest {
  manifest: Manifest;
  warnings: Problem[];
}

/** A convox.yml's text (a release's, say), checked as `loadManifest` (src/files/manifest.ts) checks a file. */
export function manifestFromText(text: string, path: string, context?: ManifestContext): LoadedManifest {
  const { manifest, problems, warnings } = parseManifest(text, path, context);
  if (!manifest || problems.length > 0) {
    throw new ValidationErrors(`${path} has ${problems.length} ${problems.length === 1 ? "problem" : "problems"}`, problems);
  }
  return { manifest, warnings };
}
