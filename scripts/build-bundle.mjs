#!/usr/bin/env node
// Bundles the built CLI (dist/cli.js and what it imports, as scripts/build-js.mjs wrote them) into
// dist/bundle/: one file for what every command loads, one chunk per command and per module
// loaded on demand (each `import()` stays a chunk of its own), minified, no source maps.
// Node then reads a handful of files instead of several hundred (racknet's modules, commander,
// the certificate libraries), and start-up CPU is most of a short command's cost
// (docs/decisions.md, "The test bench"; BENCHMARKS.md).
//
// Left out, loaded from node_modules as before: the AWS SDK and Smithy (each client loads the
// first time it is asked for, src/aws/sdk.ts, and racknet's own imports of them must be the
// very modules the clients use), and yaml (loaded only to place a problem).
// The per-file build stays: the launcher falls back to it, and tests' loader hooks patch it.
import { build } from "esbuild";
import { readFile, rm, stat } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const dist = join(root, "dist");
const outdir = join(dist, "bundle");

/**
 * A module that finds a file next to itself (`new URL("../x.json", import.meta.url)`,
 * `createRequire(import.meta.url)`) must still look where the per-file build put it: its `import.meta.url`
 * becomes its own per-file path, relative to the chunk it lands in.
 */
const ownLocation = {
  name: "own-location",
  setup(builder) {
    builder.onLoad({ filter: /\/dist\/.*\.js$/ }, async (args) => {
      const source = await readFile(args.path, "utf8");
      if (!source.includes("import.meta.url")) return { contents: source, loader: "js" };
      const own = relative(outdir, args.path).split("\\").join("/");
      return { contents: source.replaceAll("import.meta.url", `new URL(${JSON.stringify(own)}, import.meta.url).href`), loader: "js" };
    });
  },
};

/**
 * `await import("a-commonjs-package")` keeps Node's meaning only when Node does it: in a split
 * bundle esbuild would hand back `{ default: module.exports }`, without the named exports Node
 * finds. Such a package stays outside the bundle, loaded from node_modules when it is needed.
 */
const commonJsOnDemand = {
  name: "commonjs-on-demand",
  setup(builder) {
    builder.onResolve({ filter: /^[^./]/ }, async (args) => {
      if (args.kind !== "dynamic-import" || args.pluginData?.resolving) return undefined;
      const resolved = await builder.resolve(args.path, { kind: args.kind, resolveDir: args.resolveDir, importer: args.importer, pluginData: { resolving: true } });
      if (resolved.errors.length > 0 || resolved.external || !(await isCommonJs(resolved.path))) return undefined;
      return { path: args.path, external: true };
    });
  },
};

async function isCommonJs(file) {
  if (file.endsWith(".cjs")) return true;
  if (file.endsWith(".mjs")) return false;
  for (let dir = dirname(file); dir !== dirname(dir); dir = dirname(dir)) {
    try {
      return JSON.parse(await readFile(join(dir, "package.json"), "utf8")).type !== "module";
    } catch (error) {
      if (error.code !== "ENOENT") throw error;
    }
  }
  return true;
}

await rm(outdir, { recursive: true, force: true });
await build({
  entryPoints: { cli: join(dist, "cli.js") },
  outdir,
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20.19",
  minify: true,
  legalComments: "none",
  sourcemap: false,
  chunkNames: "[name]-[hash]",
  external: ["@aws-sdk/*", "@smithy/*", "yaml"],
  plugins: [ownLocation, commonJsOnDemand],
  // The bundled CommonJS packages require Node's own modules: an ES module has no require.
  banner: { js: 'import{createRequire as __racknetRequire}from"node:module";const require=__racknetRequire(import.meta.url);' },
  logLevel: "warning",
});

// Each AWS SDK client, cut to what racknet uses (src/aws/sdk-exports.ts): a client package is one
// CommonJS module of every command and shape (EC2's is 2 MB), which V8 compiles on every run.
// Bundled from the package's ES modules (each says it has no side effects, so unused commands and
// shapes go), as CommonJS whose every other @aws-sdk and @smithy import stays a require of the
// very modules the other clients use: one retry strategy, one set of error classes. Written next
// to dist/aws/sdk.js, which loads it instead of the package.
//
// The generated schema modules key their traits by constant (`{ [_xN]: _Fil }`, `_xN` being
// "xmlName"): esbuild cannot know such a computed key is free of side effects, so it keeps every
// shape of the service (EC2's cut was 563 kB for 19 names). `literalKeys` writes each such key as
// the string its `const` holds (`{ "xmlName": _Fil }`), the same object, and the unused shapes go.
const literalKeys = {
  name: "schema-literal-keys",
  setup(builder) {
    builder.onLoad({ filter: /[\\/]@aws-sdk[\\/]client-[^\\/]+[\\/]dist-es[\\/]schemas[\\/]schemas_\d+\.js$/ }, async (args) => {
      const source = await readFile(args.path, "utf8");
      const strings = new Map([...source.matchAll(/^const (_\w+) = ("[^"\\\n]*");$/gm)].map((match) => [match[1], match[2]]));
      const contents = source.replace(/\[(_\w+)\]:/g, (key, name) => {
        if (!strings.has(name)) throw new Error(`${args.path}: computed key [${name}] is not a string constant; the build cannot cut this client`);
        return `${strings.get(name)}:`;
      });
      return { contents, loader: "js" };
    });
  },
};

const { SDK_EXPORTS, liteFile } = await import(join(dist, "aws", "sdk-exports.js"));
await Promise.all(
  Object.entries(SDK_EXPORTS).map(([client, { package: name, names }]) =>
    build({
      stdin: { contents: `export { ${names.join(", ")} } from "${name}";`, resolveDir: root, loader: "js" },
      outfile: join(dist, "aws", liteFile(client)),
      bundle: true,
      format: "cjs",
      platform: "node",
      target: "node20.19",
      mainFields: ["module", "main"],
      minify: true,
      legalComments: "none",
      plugins: [
        literalKeys,
        {
          name: "sdk-shared",
          setup(builder) {
            builder.onResolve({ filter: /^@(smithy|aws-sdk)\// }, (args) => (args.path === name || args.path.startsWith(`${name}/`) ? undefined : { path: args.path, external: true }));
          },
        },
      ],
      logLevel: "warning",
    }),
  ),
);

// A cut that keeps half its package, or over 200 kB (the largest today is RDS's, under 80 kB),
// has stopped cutting (a new shape of the SDK's generated code, as the computed keys were):
// say so here rather than in a slower CLI.
const packages = createRequire(join(root, "package.json"));
for (const [client, { package: name }] of Object.entries(SDK_EXPORTS)) {
  const [cut, whole] = await Promise.all([stat(join(dist, "aws", liteFile(client))), stat(packages.resolve(name))]);
  if (cut.size * 2 >= whole.size || cut.size > 200_000) throw new Error(`${liteFile(client)} is ${cut.size} bytes, ${name} ${whole.size}: the build no longer cuts this client (scripts/build-bundle.mjs)`);
}
