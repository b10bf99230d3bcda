import { describe, expect, it } from "vitest";
import { checkManifest, parseManifest, resolveEnvironment, interpolate, type Manifest } from "../../src/manifest/index.js";
import { fastValue } from "../../src/manifest/fast-read.js";

/**
 * Names every JavaScript object answers to (`constructor`, `toString`, ...) as service, resource
 * and environment names, on both ways of reading convox.yml: js-yaml's (fast-read.ts) and the
 * `yaml` library's. A plain object used as a map finds Object's own property under such a name.
 * Found by test/fuzz/manifest.test.ts at FC_RUNS=3000.
 */

const NAMES = ["constructor", "__proto__", "toString", "hasOwnProperty"];
/** A tab in a comment: YAML allows it, and it sends the file the `yaml` library's way (SLOW_PATH). */
const PATHS = [
  { path: "js-yaml", text: (text: string) => text, fast: true },
  { path: "yaml library", text: (text: string) => `${text}# \t\n`, fast: false },
];
const context = { rack: "prod", app: "shop" };

function parsed(text: string, fast: boolean): { problems: string[]; manifest?: Manifest } {
  expect(fastValue(text) !== undefined, "the reading path").toBe(fast);
  const result = parseManifest(text, "convox.yml", context);
  for (const problem of result.problems) expect(problem.where, problem.message).toMatch(/^convox\.yml:\d+:\d+$/);
  return { problems: result.problems.map((problem) => problem.message), ...(result.manifest ? { manifest: result.manifest } : {}) };
}

describe.each(PATHS)("names every object has, read the $path way", ({ text: asRead, fast }) => {
  it.each(NAMES)("a service named %s: accepted when the name is valid, linked to by name, else refused by name", (name) => {
    const { problems, manifest } = parsed(asRead(`services:\n  ${name}:\n    image: nginx\n    port: 80\n  web:\n    image: nginx\n    links: [${name}]\n`), fast);
    if (name === "constructor") {
      expect(problems).toEqual([]);
      expect(manifest?.services.map((service) => service.name)).toEqual(["constructor", "web"]);
      expect(manifest?.services.find((service) => service.name === "web")?.links).toEqual(["constructor"]);
      expect(checkManifest(manifest!, context)).toEqual([]);
    } else {
      expect(problems).toContain(`service name "${name}" must be lowercase letters, digits and dashes, starting with a letter`);
    }
  });

  it.each(NAMES)("a link to a service %s the file does not have is refused", (name) => {
    const { problems } = parsed(asRead(`services:\n  web:\n    image: nginx\n    links: [${name}]\n`), fast);
    expect(problems).toContain(`services.web links to "${name}", which is not a service in this file`);
  });

  it.each(NAMES)("a resource named %s: accepted when the name is valid, else refused by name", (name) => {
    const { problems, manifest } = parsed(asRead(`resources:\n  ${name}:\n    type: postgres\nservices:\n  web:\n    image: nginx\n    resources: [${name}]\n`), fast);
    if (name === "constructor") {
      expect(problems).toEqual([]);
      expect(manifest?.resources?.map((resource) => resource.name)).toEqual(["constructor"]);
    } else {
      expect(problems).toContain(`resources.${name}: a resource name is lowercase letters, digits and single dashes, starting with a letter, at most 20 characters`);
    }
  });

  it.each(NAMES)("an unknown key %s in a service, at the top level and under scale is refused as unknown, not a crash", (name) => {
    const key = name === "__proto__" ? '"__proto__"' : name;
    expect(parsed(asRead(`services:\n  web:\n    image: nginx\n    ${key}: 1\n`), fast).problems).toContain(`unknown key "${name}" in services.web`);
    expect(parsed(asRead(`${key}: 1\nservices:\n  web:\n    image: nginx\n`), fast).problems).toContain(`unknown key "${name}" at the top level`);
    expect(parsed(asRead(`services:\n  web:\n    image: nginx\n    scale:\n      ${key}: 1\n`), fast).problems).toContain(`unknown key "${name}" in services.web.scale`);
  });

  it.each(NAMES)("an environment variable named %s: required until the app environment sets it; its default and ${} read only what is set", (name) => {
    const { problems, manifest } = parsed(asRead(`environment:\n  - ${name}\nservices:\n  web:\n    image: nginx\n    environment:\n      - OTHER=a\${${name}}b\n`), fast);
    expect(problems).toEqual([]);
    const unset = resolveEnvironment(manifest!, { ...context, stored: {} });
    expect(unset.problems.map((problem) => problem.message)).toEqual([`${name} is required by service web and the app environment does not set it`]);
    expect(unset.defaults).toEqual({ "/racknet/prod/apps/shop/defaults/web/OTHER": "ab" });
    expect(Object.keys(unset.services.web!.secrets)).toEqual(["OTHER"]);

    const set = resolveEnvironment(manifest!, { ...context, stored: Object.fromEntries([[name, "x"]]) });
    expect(set.problems).toEqual([]);
    expect(Object.keys(set.services.web!.secrets).sort()).toEqual(["OTHER", name].sort());
    expect(set.services.web!.secrets[name]).toBe(`/racknet/prod/apps/shop/env/${name}`);
    expect(Object.values(set.defaults)).toEqual(["axb"]);
    expect(interpolate(`\${${name}}`, {})).toBe("");
  });
});
