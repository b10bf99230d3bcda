// Loader hooks for pad-rack-template.mjs: appended to dist/rack-steps/rack-template.js, a wrapper
// rebinds its exported fullRackTemplate (a function declaration: importers see the new binding).
const TARGET = /\/dist\/rack-steps\/rack-template\.js$/;

/**
 * The launcher loads the bundle (dist/bundle/, scripts/build-bundle.mjs), where the module is
 * one chunk among others; this process gets the per-file build (scripts/build-js.mjs), which has it whole.
 */
export async function resolve(specifier, context, nextResolve) {
  const resolved = await nextResolve(specifier, context);
  return /\/dist\/bundle\/cli\.js$/.test(resolved.url) ? { ...resolved, url: resolved.url.replace(/\/dist\/bundle\/cli\.js$/, "/dist/cli.js") } : resolved;
}

/** Enough to put today's template (about 50.8 KB) well over 51,200 bytes. */
const PAD_BYTES = 12_000;

export async function load(url, context, nextLoad) {
  const loaded = await nextLoad(url, context);
  if (!TARGET.test(url)) return loaded;
  const source = String(loaded.source);
  if (!exportsFunction(source, "fullRackTemplate")) throw new Error(`pad-rack-template: ${url} no longer exports function fullRackTemplate`);
  const wrapper = `
const unpaddedRackTemplate = fullRackTemplate;
fullRackTemplate = (defaults) => {
  const template = unpaddedRackTemplate(defaults);
  return { ...template, Metadata: { ...template.Metadata, Padding: "x".repeat(${PAD_BYTES}) } };
};
`;
  return { ...loaded, source: `${source}\n${wrapper}`, shortCircuit: true };
}

/**
 * `export function name(` (tsc's form), or `function name(` and `name` in an `export { }` list
 * (esbuild's, scripts/build-js.mjs): either way a function declaration whose binding the
 * importers see, so rebinding it at the end of the module reaches them.
 */
function exportsFunction(source, name) {
  if (new RegExp(`^export function ${name}\\(`, "m").test(source)) return true;
  return new RegExp(`^function ${name}\\(`, "m").test(source) && new RegExp(`^export \\{[^}]*\\b${name}\\b[^}]*\\}`, "m").test(source);
}
