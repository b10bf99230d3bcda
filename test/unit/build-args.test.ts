import { describe, expect, it } from "vitest";
import { parseBuildArgs, resolveBuildArgs } from "../../src/images/args.js";

const messages = (entries: string[]) => parseBuildArgs(entries, "convox.yml:7:5").problems.map((problem) => `${problem.where} ${problem.message}`);

describe("build args", () => {
  it("reads NAME (from the app's environment) and NAME=VALUE (empty and = in values allowed)", () => {
    expect(parseBuildArgs(["NPM_TOKEN", "MODE=prod", "EMPTY=", "URL=a=b"]).args).toEqual([
      { name: "NPM_TOKEN" },
      { name: "MODE", value: "prod" },
      { name: "EMPTY", value: "" },
      { name: "URL", value: "a=b" },
    ]);
  });

  it("refuses what is not NAME or NAME=VALUE, naming the place and never echoing a value", () => {
    expect(messages(["=secret", "9LIVES", "MY VAR=hunter2", "a-b"])).toEqual([
      'convox.yml:7:5 build arg "" is not NAME or NAME=VALUE (the part before =)',
      'convox.yml:7:5 build arg "9LIVES" is not NAME or NAME=VALUE',
      'convox.yml:7:5 build arg "MY VAR" is not NAME or NAME=VALUE (the part before =)',
      'convox.yml:7:5 build arg "a-b" is not NAME or NAME=VALUE',
    ]);
    expect(JSON.stringify(parseBuildArgs(["MY VAR=hunter2"]).problems)).not.toContain("hunter2");
  });

  it("refuses names the build environment reserves, and a name given twice", () => {
    expect(messages(["CODEBUILD_BUILD_ID=x", "AWS_REGION=x", "RACKNET_IMAGE=x", "A=1", "A=2"])).toEqual([
      "convox.yml:7:5 build arg CODEBUILD_BUILD_ID starts with CODEBUILD_, which the build environment reserves",
      "convox.yml:7:5 build arg AWS_REGION starts with AWS_, which the build environment reserves",
      "convox.yml:7:5 build arg RACKNET_IMAGE starts with RACKNET_, which the build environment reserves",
      "convox.yml:7:5 build arg A is given twice",
    ]);
  });

  it("takes NAME's parameter from the app's environment, and refuses a NAME not set there", () => {
    const env = (name: string) => (name === "NPM_TOKEN" ? { parameterName: "/racknet/prod/apps/shop/env/NPM_TOKEN", fingerprint: "3" } : undefined);
    const { resolved, problems } = resolveBuildArgs([{ name: "NPM_TOKEN" }, { name: "MODE", value: "prod" }, { name: "MISSING" }], env, "convox.yml:9:7");
    expect(resolved).toEqual([
      { name: "NPM_TOKEN", kind: "parameter", parameterName: "/racknet/prod/apps/shop/env/NPM_TOKEN", fingerprint: "3" },
      { name: "MODE", kind: "literal", value: "prod" },
    ]);
    expect(problems).toEqual([
      {
        where: "convox.yml:9:7",
        message: "build arg MISSING takes its value from the app's environment, where MISSING is not set",
        fix: "racknet env set MISSING=... , or write MISSING=VALUE in build.args",
      },
    ]);
  });
});
