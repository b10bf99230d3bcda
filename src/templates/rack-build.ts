import { getAtt, iff, join, noValue, ref, split, sub, type Json, type TemplateFragment } from "./cfn.js";
import { RackCondition, RackResource, rackTags } from "./rack-ids.js";
import { rackVpcId, subnetList } from "./rack-network.js";
import { BUILD_INSTANCES, RackParam, type BuildInstance } from "../rack/params.js";
import { RackParameter } from "../names/rack-parameters.js";

/**
 * What the rack needs to build apps from source (docs/build.md): an AWS CodeBuild project
 * running privileged docker builds, its role, its log group, and on a private rack a
 * security group for the build's network interfaces in the private subnets (outbound
 * through the NAT gateways). Sources come from the rack's bucket under `builds/`; racknet
 * passes the buildspec, source and variables with each StartBuild. Pure.
 *
 * References the rack template's Vpc, private subnets, TemplateBucket, IsPrivate and the
 * BuildInstance parameter (a rack parameter: src/rack/params.ts); rack-outputs.ts gives
 * the project and the log group as the rack's BuildProject and BuildLogGroup outputs.
 */

export const BuildResource = {
  project: "BuildProject",
  role: "BuildRole",
  logGroup: "BuildLogGroup",
  securityGroup: "BuildSecurityGroup",
  baseImageCache: "BuildBaseImageCache",
} as const;

/**
 * The rack's pull-through cache of ECR Public (where Docker's official images are mirrored
 * under `docker/library/`): builds pull their base images through the rack's own registry,
 * not anonymously from Docker Hub, whose pull limit counts CodeBuild's shared addresses
 * (docs/build.md, "Base images"). ECR reads the prefix as `<prefix>/`; a rack name has no
 * `_`, so no rack's app repositories (`<rack>/<app>`) fall under another rack's prefix.
 * `<rack>_pub` is at most 28 of the 30 characters a prefix may have.
 */
export const baseImageCachePrefix: Json = sub("${AWS::StackName}_pub");
const PUBLIC_ECR = "public.ecr.aws";

/** The rack parameter that sizes builds; its values are CodeBuild's compute types (src/rack/params.ts). */
export const BUILD_INSTANCE_PARAMETER = RackParam.BuildInstance;
export { BUILD_INSTANCES, type BuildInstance };

/** CodeBuild's current Ubuntu standard image (Ubuntu 24.04, with docker). */
export const BUILD_IMAGE = "aws/codebuild/standard:8.0";

const BUILD_TIMEOUT_MINUTES = 60;
const QUEUED_TIMEOUT_MINUTES = 60;
const LOG_RETENTION_DAYS = 30;

/**
 * The project's own buildspec never runs: every build brings its own (src/images/buildspec.ts),
 * so a build started without one fails at once. Short: the rack template is sent inline.
 */
const REFUSING_BUILDSPEC = "version: 0.2\nphases:\n  build:\n    commands:\n      - exit 1\n";

export function buildFragment(options: { baseImageCache?: boolean } = {}): TemplateFragment {
  const baseImageCache = options.baseImageCache ?? true;
  return {
    Resources: {
      ...(baseImageCache
        ? { [BuildResource.baseImageCache]: { Type: "AWS::ECR::PullThroughCacheRule", Properties: { EcrRepositoryPrefix: baseImageCachePrefix, UpstreamRegistryUrl: PUBLIC_ECR } } }
        : {}),
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
          VpcId: rackVpcId(),
          // Registries, package mirrors and ECR, through the NAT gateways.
          SecurityGroupEgress: [{ IpProtocol: "-1", CidrIp: "0.0.0.0/0" }],
          Tags: rackTags("builds"),
        },
      },
      [BuildResource.role]: { Type: "AWS::IAM::Role", Properties: roleProperties() },
      // CodeBuild's defaults are left out (ImagePullCredentialsType CODEBUILD, S3 logs
      // disabled), and so is a Name tag beside the Name: the rack template is sent inline,
      // within CloudFormation's 51,200 bytes.
      [BuildResource.project]: {
        Type: "AWS::CodeBuild::Project",
        Properties: {
          Name: sub("${AWS::StackName}-build"),
          ServiceRole: getAtt(BuildResource.role, "Arn"),
          Source: { Type: "NO_SOURCE", BuildSpec: REFUSING_BUILDSPEC },
          Artifacts: { Type: "NO_ARTIFACTS" },
          Environment: {
            Type: "LINUX_CONTAINER",
            ComputeType: ref(BUILD_INSTANCE_PARAMETER),
            Image: BUILD_IMAGE,
            // docker build needs its own daemon in the build container.
            PrivilegedMode: true,
          },
          Cache: { Type: "LOCAL", Modes: ["LOCAL_DOCKER_LAYER_CACHE"] },
          LogsConfig: {
            CloudWatchLogs: { Status: "ENABLED", GroupName: ref(BuildResource.logGroup) },
          },
          TimeoutInMinutes: BUILD_TIMEOUT_MINUTES,
          QueuedTimeoutInMinutes: QUEUED_TIMEOUT_MINUTES,
          VpcConfig: iff(
            RackCondition.Private,
            { VpcId: rackVpcId(), Subnets: subnetList("private"), SecurityGroupIds: [getAtt(BuildResource.securityGroup, "GroupId")] },
            noValue,
          ),
          Tags: rackTags(),
        },
      },
    },
  };
}

const arn = (service: string, resource: string): Json => sub(`arn:\${AWS::Partition}:${service}:\${AWS::Region}:\${AWS::AccountId}:${resource}`);

function allow(Action: string[], Resource: Json, Condition?: Json): Json {
  return { Effect: "Allow", Action, Resource, ...(Condition ? { Condition } : {}) };
}

/**
 * The project's own role, which no build of racknet's runs as: every StartBuild names the
 * app's own build role (src/images/role.ts, made by racknet before the app's first build), so
 * that one app's build cannot read another app's sources or environment or push into its
 * repository. This one may write the build log and, on a private rack, make the build's
 * network interfaces: nothing of any app.
 */
function roleProperties(): Record<string, Json> {
  const statements: Json[] = [
    allow(["logs:CreateLogStream", "logs:PutLogEvents"], getAtt(BuildResource.logGroup, "Arn")),
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
    Tags: rackTags(),
  };
}

function privateSubnetArns(): Json {
  const subnetArn = (index: number) => arn("ec2", `subnet/\${PrivateSubnet${index}}`);
  // An existing VPC's subnets are a list parameter: each id prefixed by joining on the prefix.
  const prefix = "arn:${AWS::Partition}:ec2:${AWS::Region}:${AWS::AccountId}:subnet/";
  const existing = split(",", sub(`${prefix}\${Subnets}`, { Subnets: join(`,${prefix}`, split(",", ref(RackParameter.ExistingPrivateSubnets))) }));
  // The third only on a three-zone rack; AWS::NoValue drops it from the list on two.
  return iff(RackCondition.ExistingVpc, existing, [subnetArn(1), subnetArn(2), iff(RackCondition.ThreeAzs, subnetArn(3), noValue)]);
}
