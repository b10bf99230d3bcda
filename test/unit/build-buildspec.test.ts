import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { buildEnvironment, renderBuildspec, type ImageBuild } from "../../src/images/buildspec.js";

const IMAGE = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/prod/shop:src-0123456789abcdef0123456789abcdef";
const BUILD: ImageBuild = {
  imageUri: IMAGE,
  dockerfile: "docker/Dockerfile.prod",
  args: [
    { name: "MODE", kind: "literal", value: "production" },
    { name: "NPM_TOKEN", kind: "parameter", parameterName: "/racknet/prod/apps/shop/env/NPM_TOKEN", fingerprint: "4" },
  ],
};

describe("buildspec", () => {
  it("logs in to ECR, builds with every arg by name, and pushes: nothing else", () => {
    expect(parse(renderBuildspec(BUILD))).toEqual({
      version: "0.2",
      phases: {
        pre_build: { commands: ['aws ecr get-login-password --region "$AWS_REGION" | docker login --username AWS --password-stdin "$RACKNET_REGISTRY"'] },
        build: {
          commands: ['docker build --file "$RACKNET_DOCKERFILE" --tag "$RACKNET_IMAGE" --build-arg MODE --build-arg NPM_TOKEN .', 'docker push "$RACKNET_IMAGE"'],
        },
      },
    });
  });

  it("holds no value: not the image, not the Dockerfile, not an arg's value", () => {
    const text = renderBuildspec(BUILD);
    for (const value of [IMAGE, "docker/Dockerfile.prod", "production", "/racknet/prod/apps/shop/env/NPM_TOKEN"]) expect(text).not.toContain(value);
  });

  it("passes an app-environment arg as a PARAMETER_STORE variable naming its parameter, a literal as plain text", () => {
    expect(buildEnvironment(BUILD)).toEqual([
      { name: "RACKNET_IMAGE", value: IMAGE, type: "PLAINTEXT" },
      { name: "RACKNET_REGISTRY", value: "123456789012.dkr.ecr.eu-west-1.amazonaws.com", type: "PLAINTEXT" },
      { name: "RACKNET_DOCKERFILE", value: "docker/Dockerfile.prod", type: "PLAINTEXT" },
      { name: "MODE", value: "production", type: "PLAINTEXT" },
      { name: "NPM_TOKEN", value: "/racknet/prod/apps/shop/env/NPM_TOKEN", type: "PARAMETER_STORE" },
    ]);
  });
});
