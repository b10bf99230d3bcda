import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { lstat, readFile, readdir, readlink, realpath, stat } from "node:fs/promises";
import { isAbsolute, join, relative, resolve, sep } from "node:path";
import dockerignore from "@balena/dockerignore";
import { ContextRefused, type BuildContext, type ContextEntry, type ContextRequest } from "../images/context.js";
import { LARGEST_ENTRIES_SHOWN, MAX_CONTEXT_BYTES } from "../images/limits.js";

/**
 * Reads a build context (src/images/context.ts) from the local filesystem as docker would
 * send it: `.dockerignore` matched by docker's own rules, through @balena/dockerignore.
 */

export async function readBuildContext(request: ContextRequest): Promise<BuildContext> {
  const refuse = (message: string, fix: string): never => {
    throw new ContextRefused({ where: request.where, message, fix });
  };
  const appDir = await realpath(request.appDir);
  const root = await realpathOrUndefined(resolve(appDir, request.path));
  if (!root) return refuse(`build path ${request.path} does not exist`, "set build.path to a folder inside the app's folder");
  if (!isInside(root, appDir)) {
    return refuse(`build path ${request.path} is outside the app's folder (${relativeOrAbsolute(appDir, root)})`, "move the build context into the app's folder; symbolic links out of it are not followed");
  }
  if (!(await stat(root)).isDirectory()) return refuse(`build path ${request.path} is not a folder`, "set build.path to the folder the Dockerfile builds from");

  const { dockerfile, args: dockerfileArgs } = await findDockerfile(root, request, refuse);
  const ignoreFile = await chooseIgnoreFile(root, dockerfile);
  const patterns = ignoreFile ? await readFile(join(root, ignoreFile), "utf8") : "";
  // Docker matches case-sensitively; the library's default follows node-ignore's case-insensitive API.
  const matcher = dockerignore.default({ ignorecase: false }).add(patterns);
  const hasExceptions = patterns.split(/\r?\n/).some((line) => line.trim().startsWith("!"));
  const alwaysSent = new Set([dockerfile, ...(ignoreFile ? [ignoreFile] : [])]);

  const entries: ContextEntry[] = [];
  let fileBytes = 0;
  const maxBytes = request.maxBytes ?? MAX_CONTEXT_BYTES;
  const walk = async (folder: string): Promise<boolean> => {
    let keptSomething = false;
    for (const dirent of await readdir(join(root, folder), { withFileTypes: true })) {
      const path = folder === "" ? dirent.name : `${folder}/${dirent.name}`;
      const excluded = matcher.ignores(path) && !alwaysSent.has(path);
      const info = await lstat(join(root, path));
      if (info.isDirectory()) {
        // Docker skips an excluded folder unless an exception (`!`) could bring a file back.
        const holdsAlwaysSent = [...alwaysSent].some((sent) => sent.startsWith(`${path}/`));
        if (excluded && !hasExceptions && !holdsAlwaysSent) continue;
        const keptInside = await walk(path);
        if (!excluded || keptInside) {
          entries.push({ path, kind: "directory", mode: info.mode & 0o777, size: 0 });
          keptSomething = true;
        }
        continue;
      }
      if (excluded) continue;
      if (info.isSymbolicLink()) {
        entries.push({ path, kind: "symlink", mode: 0o777, size: 0, linkTarget: await readlink(join(root, path)) });
      } else if (info.isFile()) {
        entries.push({ path, kind: "file", mode: info.mode & 0o777, size: info.size });
        fileBytes += info.size;
        if (fileBytes > maxBytes) tooLarge(request.path, entries, maxBytes, request.where);
      } else {
        continue; // sockets, pipes and devices: nothing a build can copy
      }
      keptSomething = true;
    }
    return keptSomething;
  };
  await walk("");
  entries.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  for (const entry of entries) if (entry.kind === "file") entry.sha256 = await fileSha256(join(root, entry.path));
  return { root, dockerfile, ...(ignoreFile ? { ignoreFile } : {}), entries, fileBytes, dockerfileArgs };
}

async function findDockerfile(root: string, request: ContextRequest, refuse: (message: string, fix: string) => never): Promise<{ dockerfile: string; args: string[] }> {
  const shown = `${request.path.replace(/\/$/, "")}/${request.dockerfile}`;
  const real = await realpathOrUndefined(resolve(root, request.dockerfile));
  if (!real) {
    const empty = (await readdir(root)).length === 0;
    if (empty) return refuse(`build path ${request.path} is an empty folder: there is nothing to build`, "point build.path at the folder that holds the Dockerfile and the sources");
    return refuse(`no Dockerfile at ${shown}`, "add the Dockerfile, or name it with build.manifest (relative to build.path)");
  }
  if (!isInside(real, root)) return refuse(`the Dockerfile ${shown} is outside the build context`, "keep the Dockerfile inside build.path");
  if (!(await stat(real)).isFile()) return refuse(`the Dockerfile ${shown} is not a file`, "set build.manifest to the Dockerfile's name");
  const text = await readFile(real, "utf8");
  const instructions = text.split(/\r?\n/).filter((line) => line.trim() !== "" && !line.trim().startsWith("#"));
  if (instructions.length === 0) return refuse(`the Dockerfile ${shown} is empty`, "write its instructions, starting with FROM");
  return { dockerfile: toContextPath(relative(root, resolve(root, request.dockerfile))), args: declaredArgs(instructions) };
}

/** `ARG NAME` and `ARG NAME=default` lines, read as Convox reads them (the first word after ARG). */
function declaredArgs(lines: readonly string[]): string[] {
  const names: string[] = [];
  for (const line of lines) {
    const [keyword, declaration] = line.trim().split(/\s+/);
    const name = declaration?.split("=")[0];
    if (keyword === "ARG" && name && !names.includes(name)) names.push(name);
  }
  return names;
}

/** Docker reads `<Dockerfile>.dockerignore` beside the Dockerfile in preference to the context's `.dockerignore`. */
async function chooseIgnoreFile(root: string, dockerfile: string): Promise<string | undefined> {
  for (const candidate of [`${dockerfile}.dockerignore`, ".dockerignore"]) {
    const info = await stat(join(root, candidate)).catch(() => undefined);
    if (info?.isFile()) return candidate;
  }
  return undefined;
}

function tooLarge(path: string, entries: ContextEntry[], maxBytes: number, where?: string): never {
  const byTopLevel = new Map<string, number>();
  for (const entry of entries) {
    const top = entry.path.split("/")[0] ?? entry.path;
    byTopLevel.set(top, (byTopLevel.get(top) ?? 0) + entry.size);
  }
  const largest = [...byTopLevel.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, LARGEST_ENTRIES_SHOWN)
    .map(([name, bytes]) => `${name} (${mebibytes(bytes)})`);
  throw new ContextRefused({
    where,
    message: `the build context ${path} holds more than ${mebibytes(maxBytes)} of files; the largest entries so far: ${largest.join(", ")}`,
    fix: "exclude what the image does not need (node_modules, .git, build output) in .dockerignore",
  });
}

/** SHA-256 of a file's bytes, read as a stream. */
async function fileSha256(path: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

function mebibytes(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
}

function isInside(path: string, folder: string): boolean {
  return path === folder || path.startsWith(folder.endsWith(sep) ? folder : folder + sep);
}

function relativeOrAbsolute(from: string, to: string): string {
  const path = relative(from, to);
  return isAbsolute(path) ? path : path.split(sep).join("/");
}

function toContextPath(path: string): string {
  return path.split(sep).join("/");
}

async function realpathOrUndefined(path: string): Promise<string | undefined> {
  try {
    return await realpath(path);
  } catch {
    return undefined;
  }
}
