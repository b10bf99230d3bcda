import type { Problem } from "../errors/index.js";

/**
 * A build context as docker would send it: the folder's files less those `.dockerignore`
 * excludes (docker's own matching rules, through @balena/dockerignore, a port of moby's),
 * the Dockerfile and the ignore file always included. Read from disk by src/files/build-context.ts.
 */

export interface ContextEntry {
  /** Inside the context, `/`-separated, no leading `./`. */
  path: string;
  kind: "file" | "directory" | "symlink";
  /** Permission bits (0o777) as COPY reproduces them; setuid, setgid and sticky are dropped. */
  mode: number;
  /** Bytes of a file; 0 otherwise. */
  size: number;
  /** A symlink's target, stored as docker stores it (the link, never what it points to). */
  linkTarget?: string;
  /** SHA-256 of a file's bytes. */
  sha256?: string;
}

export interface BuildContext {
  /** The context folder, symlinks resolved. */
  root: string;
  /** The Dockerfile inside the context, `/`-separated. */
  dockerfile: string;
  /** The ignore file that applied: `<Dockerfile>.dockerignore` beside the Dockerfile, else `.dockerignore`. */
  ignoreFile?: string;
  /** Sorted by path, so the same folder always packs the same way. */
  entries: ContextEntry[];
  /** Sum of the files' sizes. */
  fileBytes: number;
  /** Names the Dockerfile declares with ARG, in order (Convox passes the app's environment to these). */
  dockerfileArgs: string[];
}

/** A context racknet will not upload; `problem` says why and what to do. */
export class ContextRefused extends Error {
  constructor(readonly problem: Problem) {
    super(problem.message);
    this.name = "ContextRefused";
  }
}

export interface ContextRequest {
  /** The app's folder (where convox.yml is). */
  appDir: string;
  /** `build.path`, relative to appDir. */
  path: string;
  /** `build.manifest`, relative to the context. */
  dockerfile: string;
  where?: string;
  maxBytes?: number;
}
