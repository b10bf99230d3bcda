/**
 * Everything racknet takes from each AWS SDK client package, by the name src/aws/sdk.ts loads
 * it under. The build (scripts/build-bundle.mjs) bundles only these into one file per client
 * next to dist/aws/sdk.js, which the built CLI loads instead of the package: a client package is
 * one CommonJS module of every command and shape (EC2's is 2 MB, SSM's 0.4 MB) that V8 must
 * compile on every run. test/unit/sdk-exports.test.ts checks that every name the source takes
 * from `sdk.<client>()` is listed here.
 */
export const SDK_EXPORTS = {
  acm: {
    package: "@aws-sdk/client-acm",
    names: ["ACMClient", "DeleteCertificateCommand", "DescribeCertificateCommand", "GetCertificateCommand", "ImportCertificateCommand", "ListTagsForCertificateCommand", "RequestCertificateCommand", "paginateListCertificates"],
  },
  cloudFormation: {
    package: "@aws-sdk/client-cloudformation",
    names: [
      "CloudFormationClient",
      "CancelUpdateStackCommand",
      "CreateChangeSetCommand",
      "DeleteChangeSetCommand",
      "DeleteStackCommand",
      "DescribeChangeSetCommand",
      "DescribeStackDriftDetectionStatusCommand",
      "DescribeStackEventsCommand",
      "DescribeStackResourceDriftsCommand",
      "DescribeStacksCommand",
      "DetectStackDriftCommand",
      "ExecuteChangeSetCommand",
      "GetTemplateCommand",
      "ListChangeSetsCommand",
      "ListStackResourcesCommand",
      "paginateDescribeStacks",
      "paginateListStackResources",
    ],
  },
  cloudWatchLogs: { package: "@aws-sdk/client-cloudwatch-logs", names: ["CloudWatchLogsClient", "FilterLogEventsCommand", "GetLogEventsCommand"] },
  codeBuild: { package: "@aws-sdk/client-codebuild", names: ["CodeBuildClient", "BatchGetBuildsCommand", "StartBuildCommand", "StopBuildCommand"] },
  ec2: {
    package: "@aws-sdk/client-ec2",
    names: [
      "EC2Client",
      "DeleteSubnetCommand",
      "DescribeAddressesCommand",
      "DescribeAvailabilityZonesCommand",
      "DescribeRegionsCommand",
      "DescribeSubnetsCommand",
      "DescribeTransitGatewaysCommand",
      "DescribeVpcAttributeCommand",
      "DescribeVpcPeeringConnectionsCommand",
      "DescribeVpcsCommand",
      "paginateDescribeInternetGateways",
      "paginateDescribeNatGateways",
      "paginateDescribeNetworkInterfaces",
      "paginateDescribeRouteTables",
      "paginateDescribeSecurityGroupRules",
      "paginateDescribeSubnets",
      "paginateDescribeVpcEndpoints",
      "paginateDescribeVpcPeeringConnections",
      "paginateDescribeVpcs",
    ],
  },
  ecr: {
    package: "@aws-sdk/client-ecr",
    names: [
      "ECRClient",
      "BatchDeleteImageCommand",
      "BatchGetImageCommand",
      "CreateRepositoryCommand",
      "DeleteRepositoryCommand",
      "DescribeImagesCommand",
      "DescribeRepositoriesCommand",
      "ListTagsForResourceCommand",
      "PutImageCommand",
      "PutLifecyclePolicyCommand",
      "paginateDescribeRepositories",
    ],
  },
  ecs: {
    package: "@aws-sdk/client-ecs",
    names: ["ECSClient", "DescribeServicesCommand", "DescribeTaskDefinitionCommand", "DescribeTasksCommand", "ExecuteCommandCommand", "ListTasksCommand", "RunTaskCommand", "StopTaskCommand", "paginateListClusters", "paginateListTasks"],
  },
  elastiCache: { package: "@aws-sdk/client-elasticache", names: ["ElastiCacheClient", "paginateDescribeSnapshots"] },
  elbv2: { package: "@aws-sdk/client-elastic-load-balancing-v2", names: ["ElasticLoadBalancingV2Client", "DescribeListenerCertificatesCommand", "DescribeRulesCommand"] },
  iam: {
    package: "@aws-sdk/client-iam",
    names: ["IAMClient", "CreateRoleCommand", "DeleteRoleCommand", "DeleteRolePolicyCommand", "GetRoleCommand", "ListRolePoliciesCommand", "ListRolesCommand", "PutRolePolicyCommand"],
  },
  kms: {
    package: "@aws-sdk/client-kms",
    names: ["KMSClient", "CreateAliasCommand", "CreateKeyCommand", "DeleteAliasCommand", "DescribeKeyCommand", "EnableKeyRotationCommand", "GetKeyPolicyCommand", "PutKeyPolicyCommand", "ScheduleKeyDeletionCommand"],
  },
  lambda: { package: "@aws-sdk/client-lambda", names: ["LambdaClient", "GetAccountSettingsCommand"] },
  rds: { package: "@aws-sdk/client-rds", names: ["RDSClient", "paginateDescribeDBSnapshots"] },
  route53: {
    package: "@aws-sdk/client-route-53",
    names: [
      "Route53Client",
      "AssociateVPCWithHostedZoneCommand",
      "ChangeResourceRecordSetsCommand",
      "CreateVPCAssociationAuthorizationCommand",
      "DeleteVPCAssociationAuthorizationCommand",
      "DisassociateVPCFromHostedZoneCommand",
      "GetHostedZoneCommand",
      "ListHostedZonesByVPCCommand",
      "ListResourceRecordSetsCommand",
      "ListVPCAssociationAuthorizationsCommand",
    ],
  },
  s3: {
    package: "@aws-sdk/client-s3",
    names: [
      "S3Client",
      "CreateBucketCommand",
      "DeleteBucketCommand",
      "DeleteObjectCommand",
      "DeleteObjectsCommand",
      "GetBucketTaggingCommand",
      "HeadBucketCommand",
      "ListBucketsCommand",
      "ListObjectsV2Command",
      "PutBucketEncryptionCommand",
      "PutBucketLifecycleConfigurationCommand",
      "PutBucketPolicyCommand",
      "PutBucketTaggingCommand",
      "PutObjectCommand",
      "PutPublicAccessBlockCommand",
    ],
  },
  secretsManager: { package: "@aws-sdk/client-secrets-manager", names: ["SecretsManagerClient", "GetSecretValueCommand"] },
  serviceQuotas: { package: "@aws-sdk/client-service-quotas", names: ["ServiceQuotasClient", "GetAWSDefaultServiceQuotaCommand", "GetServiceQuotaCommand"] },
  ssm: {
    package: "@aws-sdk/client-ssm",
    names: [
      "SSMClient",
      "DeleteParametersCommand",
      "DescribeParametersCommand",
      "GetParameterCommand",
      "GetParametersByPathCommand",
      "GetParametersCommand",
      "ListTagsForResourceCommand",
      "PutParameterCommand",
      "paginateGetParametersByPath",
    ],
  },
  sts: { package: "@aws-sdk/client-sts", names: ["STSClient", "GetCallerIdentityCommand"] },
} as const;

export type LiteClient = keyof typeof SDK_EXPORTS;

/** The file the build writes next to dist/aws/sdk.js for a client: `./client-ec2-lite.cjs`. */
export function liteFile(client: LiteClient): string {
  return `./${SDK_EXPORTS[client].package.replace("@aws-sdk/", "")}-lite.cjs`;
}
