import { describe, expect, it } from "vitest";
import { environmentValueProblem, interpolate, parseManifest, resolveEnvironment, type Manifest } from "../../src/manifest/index.js";

function manifest(text: string): Manifest {
  const parsed = parseManifest(text, "convox.yml");
  expect(parsed.problems).toEqual([]);
  if (!parsed.manifest) throw new Error("no manifest");
  return parsed.manifest;
}

const app = manifest(`environment:
  - COMPANY=Convox
  - SESSION_SECRET
services:
  web:
    image: a:1
    environment:
      - COMPANY=Racknet
      - LOG_LEVEL=info
      - API_TOKEN
      - URL=https://\${HOST}/x
      - EMPTY=
  worker:
    image: b:1
    environment: [API_TOKEN]
  all:
    image: c:1
    environment: ["*"]
`);

describe("the app environment, as convox env keeps it", () => {
  it("a required variable the app environment does not set is one problem naming every service that needs it", () => {
    const { problems } = resolveEnvironment(app, { rack: "prod", app: "shop", stored: {} });
    expect(problems.map((problem) => problem.message)).toEqual([
      "API_TOKEN is required by services web, worker and the app environment does not set it",
      "SESSION_SECRET is required by services web, worker, all and the app environment does not set it",
    ]);
    expect(problems[0]?.fix).toBe("racknet env set API_TOKEN=... -a shop");
  });

  it("a stored value wins over a default; a default applies when unset; the service's entry wins over the top-level one", () => {
    const { problems, services, defaults } = resolveEnvironment(app, { rack: "prod", app: "shop", stored: { SESSION_SECRET: "s", API_TOKEN: "t", LOG_LEVEL: "debug", HOST: "example.com" } });
    expect(problems).toEqual([]);
    expect(services.web?.secrets).toEqual({
      COMPANY: "/racknet/prod/apps/shop/defaults/web/COMPANY",
      SESSION_SECRET: "/racknet/prod/apps/shop/env/SESSION_SECRET",
      LOG_LEVEL: "/racknet/prod/apps/shop/env/LOG_LEVEL",
      API_TOKEN: "/racknet/prod/apps/shop/env/API_TOKEN",
      URL: "/racknet/prod/apps/shop/defaults/web/URL",
    });
    expect(services.web?.empty).toEqual(["EMPTY"]);
    // ${HOST} is interpolated from the app environment, as Convox does.
    expect(defaults).toEqual({
      "/racknet/prod/apps/shop/defaults/web/COMPANY": "Racknet",
      "/racknet/prod/apps/shop/defaults/web/URL": "https://example.com/x",
      "/racknet/prod/apps/shop/defaults/worker/COMPANY": "Convox",
      "/racknet/prod/apps/shop/defaults/all/COMPANY": "Convox",
    });
  });

  it("* gives a service every variable of the app environment", () => {
    const { services } = resolveEnvironment(app, { rack: "prod", app: "shop", stored: { SESSION_SECRET: "s", API_TOKEN: "t", OTHER: "o" } });
    expect(Object.keys(services.all?.secrets ?? {}).sort()).toEqual(["API_TOKEN", "COMPANY", "OTHER", "SESSION_SECRET"]);
    expect(Object.keys(services.worker?.secrets ?? {}).sort()).toEqual(["API_TOKEN", "COMPANY", "SESSION_SECRET"]);
  });

  it("with *, a stored name racknet sets itself for the service (a link's <NAME>_URL, RACKNET_*) is refused, not given twice (issue 21, item 11)", () => {
    const linked = manifest("services:\n  api:\n    image: a:1\n    port: 80\n  web:\n    image: b:1\n    links: [api]\n    environment: [\"*\"]\n");
    const { problems, services } = resolveEnvironment(linked, { rack: "prod", app: "shop", stored: { API_URL: "http://elsewhere", RACKNET_APP: "x", OTHER: "o" } });
    expect(problems.map((problem) => problem.message)).toEqual([
      "the app environment sets API_URL, which racknet sets itself for service web (its link to api), and environment: * would give web both",
      "the app environment sets RACKNET_APP, which racknet sets itself for service web (a RACKNET_* name), and environment: * would give web both",
    ]);
    expect(problems[0]?.fix).toBe("racknet env unset API_URL -a shop, or list web's variables instead of *");
    expect(Object.keys(services.web?.secrets ?? {})).toEqual(["OTHER"]);
  });

  it("interpolates ${NAME} as Convox does: unset is empty, nothing else is touched", () => {
    expect(interpolate("a ${X} b ${Y} $Z ${}", { X: "1" })).toBe("a 1 b  $Z ");
  });

  it("refuses a value an SSM parameter cannot hold, naming the variable and never the value", () => {
    const big = "v".repeat(4097);
    expect(environmentValueProblem("BLOB", "v".repeat(4096))).toBeUndefined();
    const problem = environmentValueProblem("BLOB", big);
    expect(problem?.message).toBe("BLOB=**** is 4097 bytes; an SSM parameter holds 4096");
    const { problems } = resolveEnvironment(app, { rack: "prod", app: "shop", stored: { SESSION_SECRET: big, API_TOKEN: "t" } });
    expect(problems.map((entry) => entry.message)).toEqual(["SESSION_SECRET=**** is 4097 bytes; an SSM parameter holds 4096"]);
    expect(JSON.stringify(problems)).not.toContain("vvvv");
  });

  it("refuses a default over the limit in convox.yml itself, with its line and without its value", () => {
    const { problems } = parseManifest(`services:\n  web:\n    image: a:1\n    environment:\n      - BLOB=${"v".repeat(5000)}\n`, "convox.yml");
    expect(problems.map((problem) => [problem.where, problem.message])).toEqual([["convox.yml:4:5", "services.web.environment: the default of BLOB is 5000 bytes (BLOB=****); an SSM parameter holds 4096"]]);
  });
});
