// V8's compiled code of the CommonJS modules the CLI loads (the AWS SDK, the built schema
// validator), kept between runs on Node versions without module.enableCompileCache (Node 20).
// Loaded by the launcher (bin/racknet) only there; Node 22.1+ does this itself, for ES modules too.
import Module from "node:module";
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, sep } from "node:path";
import vm from "node:vm";

/**
 * From now on, a CommonJS module under `root` (the package: its dist/ and node_modules/) is
 * compiled with the code a previous run kept, and the code of each module compiled afresh is
 * kept when the process exits, in `directory` (the package's dist/compile-cache/<node>-<arch>).
 *
 * Each entry is named by a hash of the file's path and its whole content: a file that changed
 * (a rebuild, an upgraded dependency) gets a name of its own and is compiled afresh, never given
 * another version's code; V8 itself refuses code made by another V8 or with other flags (then the
 * module is compiled as usual). An entry is written to a file of its own and renamed into place,
 * so a run reading while another writes sees all of it or none. A module Node would treat
 * differently from a plain CommonJS wrapper (one that calls `import()`, or any the wrapper cannot
 * compile) is left to Node. Nothing here may fail a command: a cache that cannot be read or
 * written is only slower.
 *
 * @param {{ root: string, directory: string }} where
 */
export function keepCompiledCommonJs({ root, directory }) {
  const original = Module.prototype._compile;
  /** @type {[string, vm.Script][]} */
  const fresh = [];
  const under = root.endsWith(sep) ? root : root + sep;
  Module.prototype._compile = function compile(content, filename) {
    if (!filename.startsWith(under) || content.includes("import(") || content.startsWith("#!")) return original.call(this, content, filename);
    const key = createHash("sha1").update(filename).update("\0").update(content).digest("hex");
    let cachedData;
    try {
      cachedData = readFileSync(join(directory, key));
    } catch {
      cachedData = undefined;
    }
    let script;
    try {
      script = new vm.Script(Module.wrap(content), { filename, ...(cachedData ? { cachedData } : {}) });
    } catch {
      return original.call(this, content, filename);
    }
    if (cachedData === undefined || script.cachedDataRejected) fresh.push([key, script]);
    const wrapper = script.runInThisContext({ displayErrors: true });
    return wrapper.call(this.exports, this.exports, requireFor(this), this, filename, dirname(filename));
  };
  process.once("exit", () => {
    if (fresh.length === 0) return;
    try {
      mkdirSync(directory, { recursive: true });
      for (const [key, script] of fresh) {
        const partial = join(directory, `${key}.${process.pid}.partial`);
        try {
          writeFileSync(partial, script.createCachedData());
          renameSync(partial, join(directory, key));
        } catch {
          rmSync(partial, { force: true });
        }
      }
    } catch {
      // A package directory this user cannot write: the next run compiles again.
    }
  });
}

/** The `require` a CommonJS module is given, as Node makes it (lib/internal/modules/helpers.js, makeRequireFunction). */
function requireFor(module) {
  const require = (id) => module.require(id);
  const resolve = (request, options) => Module._resolveFilename(request, module, false, options);
  resolve.paths = (request) => Module._resolveLookupPaths(request, module);
  require.resolve = resolve;
  require.main = process.mainModule;
  require.extensions = Module._extensions;
  require.cache = Module._cache;
  return require;
}
