import { createRequire } from "node:module";
import { EC2_LITE_FILE } from "./ec2-exports.js";

/**
 * The AWS SDK v3 packages, loaded the first time a command needs each. They are CommonJS:
 * require() loads them about 1.5x faster than import() from ESM (which must scan a 2 MB
 * bundle for its exports), and start-up is most of a short command's time.
 */
const require = createRequire(import.meta.url);

/**
 * The built CLI's EC2 client: only what racknet uses (src/aws/ec2-exports.ts), bundled by the
 * build over the package's own modules, which it shares with the other clients. Run from
 * source (the tests) there is no such file, and the package is loaded as it is.
 */
function ec2(): typeof import("@aws-sdk/client-ec2") {
  try {
    return require(EC2_LITE_FILE) as typeof import("@aws-sdk/client-ec2");
  } catch (error) {
    if ((error as { code?: unknown }).code !== "MODULE_NOT_FOUND" || !String((error as Error).message).includes("client-ec2-lite")) throw error;
    return require("@aws-sdk/client-ec2") as typeof import("@aws-sdk/client-ec2");
  }
}

export const sdk = {
  cloudFormation: () => require("@aws-sdk/client-cloudformation") as typeof import("@aws-sdk/client-cloudformation"),
  ec2,
  elbv2: () => require("@aws-sdk/client-elastic-load-balancing-v2") as typeof import("@aws-sdk/client-elastic-load-balancing-v2"),
  route53: () => require("@aws-sdk/client-route-53") as typeof import("@aws-sdk/client-route-53"),
  acm: () => require("@aws-sdk/client-acm") as typeof import("@aws-sdk/client-acm"),
  ssm: () => require("@aws-sdk/client-ssm") as typeof import("@aws-sdk/client-ssm"),
  kms: () => require("@aws-sdk/client-kms") as typeof import("@aws-sdk/client-kms"),
  ecs: () => require("@aws-sdk/client-ecs") as typeof import("@aws-sdk/client-ecs"),
  s3: () => require("@aws-sdk/client-s3") as typeof import("@aws-sdk/client-s3"),
  sts: () => require("@aws-sdk/client-sts") as typeof import("@aws-sdk/client-sts"),
  codeBuild: () => require("@aws-sdk/client-codebuild") as typeof import("@aws-sdk/client-codebuild"),
  iam: () => require("@aws-sdk/client-iam") as typeof import("@aws-sdk/client-iam"),
  ecr: () => require("@aws-sdk/client-ecr") as typeof import("@aws-sdk/client-ecr"),
  lambda: () => require("@aws-sdk/client-lambda") as typeof import("@aws-sdk/client-lambda"),
  cloudWatchLogs: () => require("@aws-sdk/client-cloudwatch-logs") as typeof import("@aws-sdk/client-cloudwatch-logs"),
  credentials: () => require("@aws-sdk/credential-provider-node") as typeof import("@aws-sdk/credential-provider-node"),
  serviceQuotas: () => require("@aws-sdk/client-service-quotas") as typeof import("@aws-sdk/client-service-quotas"),
  secretsManager: () => require("@aws-sdk/client-secrets-manager") as typeof import("@aws-sdk/client-secrets-manager"),
  rds: () => require("@aws-sdk/client-rds") as typeof import("@aws-sdk/client-rds"),
  elastiCache: () => require("@aws-sdk/client-elasticache") as typeof import("@aws-sdk/client-elasticache"),
};
