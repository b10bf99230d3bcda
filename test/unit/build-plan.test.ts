import { realpathSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ValidationErrors } from "../../src/errors/index.js";
import type { ServiceBuildInput } from "../../src/images/input.js";
import { planBuilds } from "../../src/images/plan.js";
import { readBuildContext } from "../../src/files/build-context.js";
import { DOCKERFILE, appFolder } from "./build-fixture.js";

const service = (name: string, overrides: Partial<ServiceBuildInput> = {}): ServiceBuildInput => ({
  service: name,
  path: ".",
  dockerfile: "Dockerfile",
  args: [],
  where: `convox.yml:${name.length}:5`,
  ...overrides,
});
const noEnvironment = () => undefined;

async function problemsOf(promise: Promise<unknown>): Promise<string[]> {
  const error = await promise.then(() => undefined, (caught: unknown) => caught);
  if (!(error instanceof ValidationErrors)) throw new Error(`expected ValidationErrors, got ${String(error)}`);
  return error.problems.map((problem) => `${problem.where ?? "-"} ${problem.message}`);
}

describe("build plan", () => {
  it("builds once for services that share a context, Dockerfile and args", async () => {
    const appDir = appFolder({ Dockerfile: DOCKERFILE, "app.js": "" });
    const plan = await planBuilds({ readContext: readBuildContext, appDir, services: [service("web"), service("worker", { path: "./" }), service("clock")], resolveFromEnvironment: noEnvironment });
    expect(plan.images).toHaveLength(1);
    expect(plan.images[0]?.services).toEqual(["web", "worker", "clock"]);
    expect(new Set(Object.values(plan.tagOf))).toEqual(new Set([plan.images[0]?.tag]));
  });

  it("builds separately for another Dockerfile or other args over the same context", async () => {
    const appDir = appFolder({ Dockerfile: DOCKERFILE, "Dockerfile.worker": DOCKERFILE, "app.js": "" });
    const plan = await planBuilds({
      readContext: readBuildContext,
      appDir,
      services: [service("web"), service("worker", { dockerfile: "Dockerfile.worker" }), service("debug", { args: ["MODE=debug"] })],
      resolveFromEnvironment: noEnvironment,
    });
    expect(plan.images.map((image) => image.services)).toEqual([["web"], ["worker"], ["debug"]]);
  });

  it("reports every service's problems at once, a shared context's refusal once", async () => {
    const appDir = appFolder({ "api/Dockerfile": DOCKERFILE });
    const problems = await problemsOf(
      planBuilds({
        readContext: readBuildContext,
        appDir,
        services: [service("web"), service("www"), service("api", { path: "api", args: ["TOKEN", "bad-name=1"] })],
        resolveFromEnvironment: noEnvironment,
      }),
    );
    expect(problems).toEqual([
      "convox.yml:3:5 web: no Dockerfile at ./Dockerfile",
      'convox.yml:3:5 build arg "bad-name" is not NAME or NAME=VALUE (the part before =)',
      "convox.yml:3:5 build arg TOKEN takes its value from the app's environment, where TOKEN is not set",
    ]);
  });

  it("passes the app's environment to an ARG the Dockerfile declares, as Convox does; an unset one keeps its default", async () => {
    const dockerfile = "FROM node:22\nARG NPM_TOKEN\nARG NODE_ENV=production\nARG UNSET\n# ARG COMMENTED\nLABEL COMMENTED=yes\nRUN npm ci\n";
    const appDir = appFolder({ Dockerfile: dockerfile });
    const environment = (name: string) => (["NPM_TOKEN", "NODE_ENV", "COMMENTED"].includes(name) ? { parameterName: `/racknet/prod/apps/shop/env/${name}`, fingerprint: "1" } : undefined);
    const plan = await planBuilds({ readContext: readBuildContext, appDir, services: [service("web", { args: ["NODE_ENV=development"] })], resolveFromEnvironment: environment });
    expect(plan.images[0]?.args).toEqual([
      { name: "NODE_ENV", kind: "literal", value: "development" },
      { name: "NPM_TOKEN", kind: "parameter", parameterName: "/racknet/prod/apps/shop/env/NPM_TOKEN", fingerprint: "1" },
    ]);
  });

  it("leaves the manifest out of the tag: a change to scale: alone builds nothing new; a change to the source does", async () => {
    const appDir = appFolder({ Dockerfile: DOCKERFILE, "app.js": "one", "convox.yml": "services:\n  web:\n    build: .\n    scale: 1\n" });
    const manifestFile = realpathSync(join(appDir, "convox.yml"));
    const tagNow = async () => (await planBuilds({ readContext: readBuildContext, appDir, manifestFile, services: [service("web")], resolveFromEnvironment: noEnvironment })).tagOf.web;
    const before = await tagNow();
    writeFileSync(manifestFile, "services:\n  web:\n    build: .\n    scale: 3\n");
    expect(await tagNow()).toBe(before);
    writeFileSync(join(appDir, "app.js"), "two");
    expect(await tagNow()).not.toBe(before);
  });
});
