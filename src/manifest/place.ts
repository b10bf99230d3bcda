import type { Problem } from "../errors/index.js";
import type { Manifest } from "./model.js";

/** Where a rule's problem is: `file:line:column` of a key path in the manifest. Pure. */

export type Place = (path: string) => string | undefined;

/** `file:line:col` of a key path, else of the closest enclosing key the file has. */
export function locator(manifest: Manifest): Place {
  return (path) => {
    for (let current = path; current !== ""; ) {
      const position = manifest.positions?.get(current);
      if (position) return `${manifest.file}:${position.line}:${position.column}`;
      // A key may itself hold `[` or `.` (`services.a[b`): stop when nothing more can be cut.
      const parent = current.replace(/(\[\d+\]|\.[^.[]*)$/, "");
      if (parent === current || !/[.[]/.test(current)) break;
      current = parent;
    }
    return manifest.positions ? `${manifest.file}:1:1` : manifest.file;
  };
}

export function problem(place: Place, path: string, message: string, fix: string): Problem {
  return { where: place(path), path, message, fix };
}

