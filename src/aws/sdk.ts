import { createRequire } from "node:module";
import { type LiteClient, liteFile, SDK_EXPORTS } from "./sdk-exports.js";

/**
 * The AWS SDK v3 packages, loaded the first time a command needs each. They are CommonJS:
 * require() loads them about 1.5x faster than import() from ESM (which must scan a 2 MB
 * bundle for its exports), and start-up is most of a short command's time.
 */
const require = createRequire(import.meta.url);

/** Clients whose cut file is not there: run from source (the tests), or a build without it. */
const noLiteFile = new Set<LiteClient>();

/**
 * The built CLI's client: only what racknet uses (src/aws/sdk-exports.ts), bundled by the build
 * over the package's shared @aws-sdk and @smithy modules, which every client uses as they are.
 * Run from source (the tests) there is no such file, and the package is loaded as it is, so the
 * client mocks, which patch the package's classes, see every call.
 */
function client<Module>(name: LiteClient): Module {
  if (!noLiteFile.has(name)) {
    const file = liteFile(name);
    try {
      return require(file) as Module;
    } catch (error) {
      if ((error as { code?: unknown }).code !== "MODULE_NOT_FOUND" || !String((error as Error).message).includes(file.slice(2))) throw error;
      noLiteFile.add(name);
    }
  }
  return require(SDK_EXPORTS[name].package) as Module;
}

export const sdk = {
  cloudFormation: () => client<typeof import("@aws-sdk/client-cloudformation")>("cloudFormation"),
  ec2: () => client<typeof import("@aws-sdk/client-ec2")>("ec2"),
  elbv2: () => client<typeof import("@aws-sdk/client-elastic-load-balancing-v2")>("elbv2"),
  route53: () => client<typeof import("@aws-sdk/client-route-53")>("route53"),
  acm: () => client<typeof import("@aws-sdk/client-acm")>("acm"),
  ssm: () => client<typeof import("@aws-sdk/client-ssm")>("ssm"),
  kms: () => client<typeof import("@aws-sdk/client-kms")>("kms"),
  ecs: () => client<typeof import("@aws-sdk/client-ecs")>("ecs"),
  s3: () => client<typeof import("@aws-sdk/client-s3")>("s3"),
  sts: () => client<typeof import("@aws-sdk/client-sts")>("sts"),
  codeBuild: () => client<typeof import("@aws-sdk/client-codebuild")>("codeBuild"),
  iam: () => client<typeof import("@aws-sdk/client-iam")>("iam"),
  ecr: () => client<typeof import("@aws-sdk/client-ecr")>("ecr"),
  lambda: () => client<typeof import("@aws-sdk/client-lambda")>("lambda"),
  cloudWatchLogs: () => client<typeof import("@aws-sdk/client-cloudwatch-logs")>("cloudWatchLogs"),
  credentials: () => require("@aws-sdk/credential-provider-node") as typeof import("@aws-sdk/credential-provider-node"),
  serviceQuotas: () => client<typeof import("@aws-sdk/client-service-quotas")>("serviceQuotas"),
  secretsManager: () => client<typeof import("@aws-sdk/client-secrets-manager")>("secretsManager"),
  rds: () => client<typeof import("@aws-sdk/client-rds")>("rds"),
  elastiCache: () => client<typeof import("@aws-sdk/client-elasticache")>("elastiCache"),
};
