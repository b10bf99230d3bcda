import { createHash } from "node:crypto";
import { createWriteStream } from "node:fs";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import { Transform } from "node:stream";
import yazl from "yazl";
import type { BuildContext } from "../images/context.js";

/**
 * Pack a build context into the zip CodeBuild takes as an S3 source (CodeBuild's S3 input
 * must be a ZIP file). The same context gives the same bytes: entries in path order, one
 * fixed modification time, the permission bits as read, no owner.
 */

/**
 * Local midnight, 2000-01-01: zip stores DOS local time, so a date built from local fields
 * encodes the same on every machine (yazl's UTC extra field is turned off for the same reason).
 */
const FIXED_MTIME = () => new Date(2000, 0, 1, 0, 0, 0);

const FILE_TYPE = { file: 0o100000, directory: 0o040000, symlink: 0o120000 } as const;

export interface ContextArchive {
  path: string;
  bytes: number;
  /** SHA-256 of the archive, hex. */
  sha256: string;
}

/** `replaced`: files of the context sent with other bytes (a Dockerfile whose base images were rewritten: src/images/base-images.ts). */
export async function writeContextArchive(context: BuildContext, destination: string, replaced: ReadonlyMap<string, Buffer> = new Map()): Promise<ContextArchive> {
  const zip = new yazl.ZipFile();
  const common = { mtime: FIXED_MTIME(), forceDosTimestamp: true };
  for (const entry of context.entries) {
    const mode = FILE_TYPE[entry.kind] | entry.mode;
    const replacement = entry.kind === "file" ? replaced.get(entry.path) : undefined;
    if (replacement) zip.addBuffer(replacement, entry.path, { ...common, mode });
    else if (entry.kind === "directory") zip.addEmptyDirectory(entry.path, { ...common, mode });
    else if (entry.kind === "symlink") zip.addBuffer(Buffer.from(entry.linkTarget ?? ""), entry.path, { ...common, mode, compress: false });
    else zip.addFile(join(context.root, entry.path), entry.path, { ...common, mode });
  }
  zip.end();
  const hash = createHash("sha256");
  let bytes = 0;
  const measure = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      bytes += chunk.length;
      done(null, chunk);
    },
  });
  await pipeline(zip.outputStream, measure, createWriteStream(destination));
  return { path: destination, bytes, sha256: hash.digest("hex") };
}
