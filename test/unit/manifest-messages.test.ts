import { describe, expect, it } from "vitest";
import { parseManifest } from "../../src/manifest/index.js";

/** The manifest's messages a user trips on: keys from other tools, an over-indented line (issue 22, item 6). */

const problemsOf = (text: string) => parseManifest(text, "convox.yml").problems.map((problem) => `${problem.where} ${problem.message} | ${problem.fix}`);

describe("an unknown key", () => {
  it("a key from docker compose or Kubernetes: did you mean the Convox key, not a list of 38", () => {
    expect(problemsOf("services:\n  web:\n    image: nginx:1.27\n    healthcheck: /h\n    replicas: 2\n")).toEqual([
      'convox.yml:4:5 unknown key "healthcheck" in services.web; did you mean "health"? | rename healthcheck: to health:',
      'convox.yml:5:5 unknown key "replicas" in services.web; did you mean "scale.count"? | write it as scale: count: (under services.web)',
    ]);
  });

  it("a typo gets the closest name; nothing close, a pointer to the reference instead of every key", () => {
    expect(problemsOf("services:\n  web:\n    image: nginx:1.27\n    enviroment: [A=1]\n    flavour: big\n")).toEqual([
      'convox.yml:4:5 unknown key "enviroment" in services.web; did you mean "environment"? | rename enviroment: to environment:',
      'convox.yml:5:5 unknown key "flavour" in services.web | remove it; docs/manifest.md lists the keys of a service',
    ]);
  });
});

describe("an over-indented key", () => {
  it("is reported on its own line, with the column it belongs in", () => {
    expect(problemsOf("services:\n  web:\n    image: nginx:1.27\n      port: 80\n")).toEqual([
      "convox.yml:4:7 YAML syntax: port: is indented more than image: on line 3, which has a value, so YAML cannot read it | indent port: with 4 spaces, as image: above it",
    ]);
  });
});
