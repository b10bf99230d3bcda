/**
 * The house plan (docs/architecture.md, whose table of rooms is read back against these rules) as rules: which folder of src/ may import which.
 * Checked by test/architecture.test.ts; `npx depcruise src` prints the same verdict.
 * Data flows one way: command line → model → template → change set → AWS, and results
 * come back as typed events that the printer renders.
 */
const PURE = ["errors", "names", "rack", "manifest", "templates", "plan", "privnet", "ca", "app-records", "cost", "images"];
/** What every room of steps may import, besides the step rooms below it. */
const STEPS = ["safety", "runtime", "ui", "aws", "files", "functions", "version.ts", ...PURE];
const under = (folders) => `^src/(${folders.join("|")})/`;

/** Each room and the rooms it may import (besides itself, node: builtins and packages). */
const ROOMS = {
  // the composition root and the command line
  "cli.ts": { path: "^src/cli\\.ts$", may: ["commands", "runtime", "errors", "plan", "names", "version.ts"] },
  commands: { may: ["runtime", "operations", "names"] },
  operations: { may: ["app-steps", "rack-steps", "shared-steps", "safety", "runtime", "ui", "aws", "files", "version.ts", ...PURE] },
  // the steps workflows take, in three layers: an app's steps may use the rack's, both use the shared ones
  "app-steps": { may: ["rack-steps", "shared-steps", ...STEPS] },
  "rack-steps": { may: ["shared-steps", ...STEPS] },
  "shared-steps": { may: STEPS },
  safety: { may: ["runtime", "aws", "errors", "names"] },
  runtime: { may: ["ui", "aws", "errors", "names"], typesFrom: ["plan"] },
  // the edges: output and AWS
  ui: { may: ["errors", "names", "rack", "plan", "cost"], typesFrom: ["aws", "templates", "images"] },
  aws: { may: ["errors", "names"], typesFrom: ["rack", "plan", "templates", "privnet", "images", "files"] },
  files: { may: ["errors", "manifest", "images", "names"] },
  functions: { may: ["errors", "names", "privnet", "aws", "ca"] },
  // pure rooms, top to bottom
  templates: { may: ["manifest", "rack", "names", "errors", "app-records", "ca", "images", "version.ts"] },
  "app-records": { may: ["manifest", "names", "errors"] },
  manifest: { may: ["rack", "names", "errors"] },
  plan: { may: ["rack", "names", "errors", "cost"] },
  cost: { may: ["rack", "names", "errors"] },
  images: { may: ["errors", "names"] },
  rack: { may: ["names", "errors"] },
  privnet: { may: ["names", "errors"] },
  ca: { may: ["errors", "names"] },
  names: { may: ["errors"] },
  errors: { may: [] },
};

function target(room) {
  return room.endsWith(".ts") ? `^src/${room.replace(".", "\\.")}$` : `^src/${room}/`;
}

const allowed = Object.entries(ROOMS).flatMap(([room, rule]) => {
  const from = { path: rule.path ?? target(room) };
  const own = room.endsWith(".ts") ? [] : [target(room)];
  const rules = [{ from, to: { path: [...own, ...rule.may.map(target)] } }];
  if (rule.typesFrom) rules.push({ from, to: { path: rule.typesFrom.map(target), dependencyTypes: ["type-only"] } });
  return rules;
});

module.exports = {
  forbidden: [
    {
      name: "sdk-only-in-aws",
      comment: "only src/aws builds requests: everything else asks src/aws to make the call",
      severity: "error",
      from: { pathNot: "^src/aws/" },
      to: { path: ["^src/aws/sdk\\.ts$"] },
    },
    {
      name: "sdk-clients-only-in-aws",
      comment:
        "an SDK client is built in src/aws (clients.ts, the lazy factory) or in a function's own entry (src/functions/*/handler.ts, a program of its own): elsewhere only the SDK's types",
      severity: "error",
      from: { pathNot: ["^src/aws/", "^src/functions/[^/]+/handler\\.ts$"] },
      to: { path: "(^|/)@aws-sdk/(client-|credential-provider)", dependencyTypesNot: ["type-only", "type-import"] },
    },
    {
      name: "commands-load-workflows-lazily",
      comment: "a command declaration reaches its workflow only through its lazy `load`, so --help and completion load no workflow",
      severity: "error",
      from: { path: "^src/commands/" },
      to: { path: "^src/operations/", dependencyTypesNot: ["dynamic-import", "type-only", "type-import"] },
    },
    {
      name: "pure-rooms-touch-no-files",
      comment: "pure rooms compute: reading and writing files is the edge's work (src/files/)",
      severity: "error",
      from: { path: under(PURE) },
      to: { path: "^(node:)?(fs|fs/promises)$" },
    },
    { name: "no-cycle", comment: "no import cycles, file to file", severity: "error", from: {}, to: { circular: true } },
    {
      name: "pure-rooms-stay-pure",
      comment: "pure rooms never reach AWS, the terminal or the process's context",
      severity: "error",
      from: { path: under(PURE) },
      to: { path: ["^src/(aws|ui|runtime|app-steps|rack-steps|shared-steps|operations|commands)/", "(^|/)@aws-sdk/"], dependencyTypesNot: ["type-only"] },
    },
  ],
  allowed: [
    ...allowed,
    { from: { path: "^src/" }, to: { dependencyTypes: ["core", "npm", "npm-dev", "npm-optional", "npm-peer", "npm-no-pkg", "npm-unknown"] } },
    { from: { path: "^src/version\\.ts$" }, to: { path: "^package\\.json$" } },
    { from: { path: "^src/cost/" }, to: { path: "^data/prices\\.json$" } },
  ],
  allowedSeverity: "error",
  options: {
    doNotFollow: { path: "node_modules" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: { exportsFields: ["exports"], conditionNames: ["import", "require", "node", "default"], extensions: [".ts", ".js", ".json"] },
  },
};
