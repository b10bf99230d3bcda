import { readFile } from "node:fs/promises";
import { UserError } from "../errors/index.js";
import { manifestFromText, type LoadedManifest } from "../manifest/index.js";
import type { ManifestContext } from "../manifest/rules.js";
import { Flag } from "../names/flags.js";

/**
 * Read and check a convox.yml. Throws ValidationErrors with every problem when there are
 * any ("convox.yml has 3 problems"), a UserError when the file cannot be read.
 */
export async function loadManifest(path: string, context?: ManifestContext): Promise<LoadedManifest> {
  return manifestFromText(await readManifestText(path), path, context);
}

export async function readManifestText(path: string): Promise<string> {
  try {
    return await readFile(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") {
      throw new UserError(`${path} not found`, { fix: `run racknet in the app's directory, or name the manifest with ${Flag.file} path/to/convox.yml` });
    }
    if (code === "EISDIR") throw new UserError(`${path} is a directory, not a manifest`, { fix: `pass the file: ${Flag.file} ${path.replace(/\/$/, "")}/convox.yml` });
    throw new UserError(`cannot read ${path}: ${(error as Error).message}`, { fix: `check the file's permissions, or name another with ${Flag.file}`, cause: error });
  }
}
