/**
 * The permissions of one app's build role (docs/build.md, "One build role per app"): what a
 * build of this app needs and nothing of another app's. Its sources are `builds/<app>/` in
 * the rack's bucket, its images the repository `<rack>/<app>`, its build args the app's own
 * environment `/racknet/<rack>/apps/<app>/env/`. A build of app `a` that reads app `b`'s
 * sources, pushes into `b`'s repository or reads `b`'s variables is denied by IAM. Pure.
 */
import { BUILD_SOURCE_PREFIX, appEnvironmentPath, repositoryName } from "../names/index.js";

export interface BuildRoleFacts {
  partition: string;
  region: string;
  account: string;
  rack: string;
  app: string;
  /** The rack's bucket (rack output TemplateBucket). */
  bucket: string;
  /** The rack's build log group (rack output BuildLogGroup). */
  logGroup: string;
  /** The rack's pull-through cache prefix of ECR Public (rack output BaseImageCache), when it has one. */
  baseImageCache?: string;
  /** A private rack's private subnets (rack output PrivateSubnets): builds run there. */
  privateSubnets?: readonly string[];
}

interface Statement {
  Effect: "Allow";
  Action: string[];
  Resource: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}

export interface PolicyDocument {
  Version: "2012-10-17";
  Statement: Statement[];
}

/** CodeBuild assumes the role, and only for a build in this account (IAM: the confused deputy problem). */
export function buildRoleTrustPolicy(facts: Pick<BuildRoleFacts, "account">): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: "codebuild.amazonaws.com" }, Action: "sts:AssumeRole", Condition: { StringEquals: { "aws:SourceAccount": facts.account } } }],
  });
}

export function buildRolePolicy(facts: BuildRoleFacts): PolicyDocument {
  const arn = (service: string, resource: string) => `arn:${facts.partition}:${service}:${facts.region}:${facts.account}:${resource}`;
  const sources = `arn:${facts.partition}:s3:::${facts.bucket}/${BUILD_SOURCE_PREFIX}${facts.app}/*`;
  const statements: Statement[] = [
    allow(["logs:CreateLogStream", "logs:PutLogEvents"], [arn("logs", `log-group:${facts.logGroup}`), arn("logs", `log-group:${facts.logGroup}:log-stream:*`)]),
    allow(["s3:GetObject", "s3:GetObjectVersion"], sources),
    // GetAuthorizationToken has no resource to scope to (ECR: IAM permissions for pushing an image).
    allow(["ecr:GetAuthorizationToken"], "*"),
    allow(
      ["ecr:BatchCheckLayerAvailability", "ecr:InitiateLayerUpload", "ecr:UploadLayerPart", "ecr:CompleteLayerUpload", "ecr:PutImage", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
      arn("ecr", `repository/${repositoryName(facts.rack, facts.app)}`),
    ),
    allow(["ssm:GetParameters"], arn("ssm", `parameter${appEnvironmentPath(facts.rack, facts.app)}*`)),
    // The app's secrets are on the rack's own KMS key (issue 21): decrypted by Parameter Store
    // for this role, and only for this app's parameters (their ARN is the encryption context).
    {
      ...allow(["kms:Decrypt"], arn("kms", "key/*")),
      Condition: {
        StringEquals: { "kms:ViaService": `ssm.${facts.region}.amazonaws.com` },
        StringLike: { "kms:EncryptionContext:PARAMETER_ARN": arn("ssm", `parameter${appEnvironmentPath(facts.rack, facts.app)}*`) },
      },
    },
  ];
  if (facts.baseImageCache) {
    // The first pull of a base image through the cache makes its repository and imports it (ECR: pull through cache IAM).
    statements.push(
      allow(
        ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchImportUpstreamImage", "ecr:CreateRepository"],
        arn("ecr", `repository/${facts.baseImageCache}/*`),
      ),
    );
  }
  if (facts.privateSubnets && facts.privateSubnets.length > 0) {
    // CodeBuild's VPC mode creates and removes the build's network interfaces itself, as this role.
    statements.push(
      allow(
        ["ec2:CreateNetworkInterface", "ec2:DescribeDhcpOptions", "ec2:DescribeNetworkInterfaces", "ec2:DeleteNetworkInterface", "ec2:DescribeSubnets", "ec2:DescribeSecurityGroups", "ec2:DescribeVpcs"],
        "*",
      ),
      {
        ...allow(["ec2:CreateNetworkInterfacePermission"], arn("ec2", "network-interface/*")),
        Condition: {
          StringEquals: { "ec2:AuthorizedService": "codebuild.amazonaws.com" },
          ArnEquals: { "ec2:Subnet": facts.privateSubnets.map((subnet) => arn("ec2", `subnet/${subnet}`)) },
        },
      },
    );
  }
  return { Version: "2012-10-17", Statement: statements };
}

function allow(Action: string[], Resource: string | string[]): Statement {
  return { Effect: "Allow", Action, Resource };
}
