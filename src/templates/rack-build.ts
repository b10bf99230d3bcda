import { getAtt, iff, noValue, ref, sub, type Json, type TemplateFragment } from "./cfn.js";
import { RackCondition, RackResource, rackTags } from "./rack-ids.js";
import { subnetList } from "./rack-network.js";
import { BUILD_SOURCE_PREFIX } from "../names/index.js";

/**
 * What the rack needs to build apps from source (docs/build.md): an AWS CodeBuild project
 * running privileged docker builds, its role, its log group, and on a private rack a
 * security group for the build's network interfaces in the private subnets (outbound
 * through the NAT gateways). Sources come from the rack's bucket under `builds/`; racknet
 * passes the buildspec, source and variables with each StartBuild. Pure.
 *
 * References the rack template's Vpc, private subnets, TemplateBucket and IsPrivate.
 */

export const BuildResource = {
  project: "BuildProject",
  role: "BuildRole",
  logGroup: "BuildLogGroup",
  securityGroup: "BuildSecurityGroup",
} as const;

export const BuildOutput = { project: "BuildProject", logGroup: "BuildLogGroup" } as const;

/** The rack parameter that sizes builds. */
export const BUILD_INSTANCE_PARAMETER = "BuildInstance";
/** CodeBuild's Linux on-demand compute types: 3 GB/2 vCPU, 7 GB/4 vCPU, 15 GB/8 vCPU (docs/build.md). */
export const BUILD_INSTANCES = ["BUILD_GENERAL1_SMALL", "BUILD_GENERAL1_MEDIUM", "BUILD_GENERAL1_LARGE"] as const;
export type BuildInstance = (typeof BUILD_INSTANCES)[number];

/** CodeBuild's current Ubuntu standard image (Ubuntu 24.04, with docker). */
export const BUILD_IMAGE = "aws/codebuild/standard:8.0";
/** Where an app's environment keeps its values in SSM, for build args taken from it. */
export const APP_ENVIRONMENT_PARAMETERS = "racknet/${AWS::StackName}/apps/*/env/*";

const BUILD_TIMEOUT_MINUTES = 60;
const QUEUED_TIMEOUT_MINUTES = 60;
const LOG_RETENTION_DAYS = 30;

/** The project's own buildspec never runs: every build brings its own (src/build/buildspec.ts). */
const REFUSING_BUILDSPEC = [
  "version: 0.2",
  "phases:",
  "  build:",
  "    commands:",
  '      - echo "racknet passes the buildspec with each build; start builds with racknet build" && exit 1',
  "",
].join("\n");

export function buildFragment(): TemplateFragment {
  return {
    Parameters: {
      [BUILD_INSTANCE_PARAMETER]: {
        Type: "String",
        Default: "BUILD_GENERAL1_SMALL",
        AllowedValues: [...BUILD_INSTANCES],
        Description: "compute type of the rack's CodeBuild builds (small: 3 GB, 2 vCPUs; medium: 7 GB, 4; large: 15 GB, 8)",
      },
    },
    Resources: {
      [BuildResource.logGroup]: {
        Type: "AWS::Logs::LogGroup",
        DeletionPolicy: "Delete",
        UpdateReplacePolicy: "Delete",
        Properties: { LogGroupName: sub("/racknet/${AWS::StackName}/builds"), RetentionInDays: LOG_RETENTION_DAYS, Tags: rackTags() },
      },
      [BuildResource.securityGroup]: {
        Type: "AWS::EC2::SecurityGroup",
        Condition: RackCondition.Private,
        Properties: {
          GroupDescription: "racknet builds: outbound only",
          VpcId: ref(RackResource.Vpc),
          SecurityGroupEgress: [{ IpProtocol: "-1", CidrIp: "0.0.0.0/0", Description: "registries, package mirrors and ECR" }],
          Tags: rackTags("builds"),
        },
      },
      [BuildResource.role]: { Type: "AWS::IAM::Role", Properties: roleProperties() },
      [BuildResource.project]: {
        Type: "AWS::CodeBuild::Project",
        Properties: {
          Name: sub("${AWS::StackName}-build"),
          Description: "racknet: builds the rack's apps from source and pushes them to ECR",
          ServiceRole: getAtt(BuildResource.role, "Arn"),
          Source: { Type: "NO_SOURCE", BuildSpec: REFUSING_BUILDSPEC },
          Artifacts: { Type: "NO_ARTIFACTS" },
          Environment: {
            Type: "LINUX_CONTAINER",
            ComputeType: ref(BUILD_INSTANCE_PARAMETER),
            Image: BUILD_IMAGE,
            ImagePullCredentialsType: "CODEBUILD",
            // docker build needs its own daemon in the build container.
            PrivilegedMode: true,
          },
          Cache: { Type: "LOCAL", Modes: ["LOCAL_DOCKER_LAYER_CACHE"] },
          LogsConfig: {
            CloudWatchLogs: { Status: "ENABLED", GroupName: ref(BuildResource.logGroup) },
            S3Logs: { Status: "DISABLED" },
          },
          TimeoutInMinutes: BUILD_TIMEOUT_MINUTES,
          QueuedTimeoutInMinutes: QUEUED_TIMEOUT_MINUTES,
          VpcConfig: iff(
            RackCondition.Private,
            { VpcId: ref(RackResource.Vpc), Subnets: subnetList("private"), SecurityGroupIds: [getAtt(BuildResource.securityGroup, "GroupId")] },
            noValue,
          ),
          Tags: rackTags("build"),
        },
      },
    },
    Outputs: {
      [BuildOutput.project]: { Value: ref(BuildResource.project) },
      [BuildOutput.logGroup]: { Value: ref(BuildResource.logGroup) },
    },
  };
}

const arn = (service: string, resource: string): Json => sub(`arn:\${AWS::Partition}:${service}:\${AWS::Region}:\${AWS::AccountId}:${resource}`);

function allow(Action: string[], Resource: Json, Condition?: Json): Json {
  return { Effect: "Allow", Action, Resource, ...(Condition ? { Condition } : {}) };
}

function roleProperties(): Record<string, Json> {
  const statements: Json[] = [
    allow(["logs:CreateLogStream", "logs:PutLogEvents"], getAtt(BuildResource.logGroup, "Arn")),
    allow(["s3:GetObject", "s3:GetObjectVersion"], sub(`\${${RackResource.TemplateBucket}.Arn}/${BUILD_SOURCE_PREFIX}*`)),
    // GetAuthorizationToken has no resource to scope to (ECR: IAM permissions for pushing an image).
    allow(["ecr:GetAuthorizationToken"], "*"),
    allow(
      [
        "ecr:BatchCheckLayerAvailability",
        "ecr:InitiateLayerUpload",
        "ecr:UploadLayerPart",
        "ecr:CompleteLayerUpload",
        "ecr:PutImage",
        "ecr:BatchGetImage",
        "ecr:GetDownloadUrlForLayer",
      ],
      arn("ecr", "repository/${AWS::StackName}/*"),
    ),
    allow(["ssm:GetParameters"], arn("ssm", `parameter/${APP_ENVIRONMENT_PARAMETERS}`)),
    // CodeBuild's VPC mode creates and removes the build's network interfaces itself, as this role.
    iff(
      RackCondition.Private,
      allow(
        [
          "ec2:CreateNetworkInterface",
          "ec2:DescribeDhcpOptions",
          "ec2:DescribeNetworkInterfaces",
          "ec2:DeleteNetworkInterface",
          "ec2:DescribeSubnets",
          "ec2:DescribeSecurityGroups",
          "ec2:DescribeVpcs",
        ],
        "*",
      ),
      noValue,
    ),
    iff(
      RackCondition.Private,
      allow(["ec2:CreateNetworkInterfacePermission"], arn("ec2", "network-interface/*"), {
        StringEquals: { "ec2:AuthorizedService": "codebuild.amazonaws.com" },
        ArnEquals: { "ec2:Subnet": privateSubnetArns() },
      }),
      noValue,
    ),
  ];
  return {
    AssumeRolePolicyDocument: {
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Principal: { Service: "codebuild.amazonaws.com" },
          Action: "sts:AssumeRole",
        },
      ],
    },
    Policies: [{ PolicyName: "racknet-build", PolicyDocument: { Version: "2012-10-17", Statement: statements } }],
    Tags: rackTags("build"),
  };
}

function privateSubnetArns(): Json {
  const subnetArn = (index: number) => arn("ec2", `subnet/\${PrivateSubnet${index}}`);
  return iff(RackCondition.ThreeAzs, [subnetArn(1), subnetArn(2), subnetArn(3)], [subnetArn(1), subnetArn(2)]);
}
