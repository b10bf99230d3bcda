import { stringify } from "yaml";
import type { ResolvedBuildArg } from "./args.js";

/**
 * The buildspec of one image build, and the variables CodeBuild sets for it. Pure.
 *
 * It logs in to ECR, builds the context with docker, pushes the image, and does nothing
 * else. Every value reaches the build as a CodeBuild environment variable, never inside the
 * buildspec: `--build-arg NAME` without a value makes docker take NAME from the environment,
 * and an arg from the app's environment is a variable of type PARAMETER_STORE, which
 * CodeBuild reads from SSM when the build starts. So the buildspec holds names only, and a
 * secret is in clear in no API request, template or log line racknet writes.
 */

/** The variables the buildspec reads; build args may not use the RACKNET_ prefix (args.ts). */
export const BuildVariable = {
  image: "RACKNET_IMAGE",
  registry: "RACKNET_REGISTRY",
  dockerfile: "RACKNET_DOCKERFILE",
} as const;

/** CodeBuild's EnvironmentVariable, without importing the SDK into a pure module. */
export interface BuildEnvironmentVariable {
  name: string;
  value: string;
  type: "PLAINTEXT" | "PARAMETER_STORE";
}

export interface ImageBuild {
  /** `<account>.dkr.ecr.<region>.amazonaws.com/<rack>/<app>:<tag>` */
  imageUri: string;
  /** The Dockerfile inside the context, `/`-separated. */
  dockerfile: string;
  args: readonly ResolvedBuildArg[];
}

export function renderBuildspec(build: ImageBuild): string {
  const buildArgs = build.args.map((arg) => ` --build-arg ${arg.name}`).join("");
  const { image, registry, dockerfile } = BuildVariable;
  return stringify({
    version: "0.2",
    phases: {
      pre_build: {
        commands: [`aws ecr get-login-password --region "$AWS_REGION" | docker login --username AWS --password-stdin "$${registry}"`],
      },
      build: {
        commands: [`docker build --file "$${dockerfile}" --tag "$${image}"${buildArgs} .`, `docker push "$${image}"`],
      },
    },
  });
}

export function buildEnvironment(build: ImageBuild): BuildEnvironmentVariable[] {
  const plain = (name: string, value: string): BuildEnvironmentVariable => ({ name, value, type: "PLAINTEXT" });
  return [
    plain(BuildVariable.image, build.imageUri),
    plain(BuildVariable.registry, registryOf(build.imageUri)),
    plain(BuildVariable.dockerfile, build.dockerfile),
    ...build.args.map((arg) =>
      arg.kind === "literal" ? plain(arg.name, arg.value) : { name: arg.name, value: arg.parameterName, type: "PARAMETER_STORE" as const },
    ),
  ];
}

/** The registry host of an image URI: what `docker login` needs. */
export function registryOf(imageUri: string): string {
  return imageUri.split("/")[0] ?? imageUri;
}
