import { getAtt, ref, sub, type TemplateFragment } from "./cfn.js";
import { RackResource, rackTags } from "./rack-ids.js";

/**
 * What apps share besides the network: the Fargate cluster, the role ECS uses to pull
 * images and write logs, the log group, and a bucket for templates over the 51,200-byte
 * inline limit (CloudFormation copies a template when it reads it, so uploads expire).
 *
 * The cluster names no capacity provider: associating FARGATE or FARGATE_SPOT needs the ECS
 * service-linked role to exist already, and CreateCluster only starts creating it, so the
 * first install in an account that never used ECS failed ("Unable to assume the service
 * linked role"). Services name LaunchType FARGATE instead (docs/rack-template.md).
 *
 * The bucket and the log group are deleted with the stack, as uninstall means: it empties
 * the bucket first (S3 refuses to delete a bucket that holds objects).
 *
 * The bucket holds templates and build sources: its settings are all stated, S3's defaults
 * for new buckets included (docs/rack-template.md, "The rack bucket"): SSE-S3 encryption,
 * all four public-access blocks, ACLs disabled, and a policy that denies every request not
 * made over TLS (aws:SecureTransport false).
 */

const LOG_RETENTION_DAYS = 30;
const TEMPLATE_UPLOAD_DAYS = 7;

export function clusterFragment(): TemplateFragment {
  return {
    Resources: {
      // Properties on the cluster also keep emulators from replacing it on every update.
      [RackResource.Cluster]: {
        Type: "AWS::ECS::Cluster",
        Properties: {
          ClusterSettings: [{ Name: "containerInsights", Value: "enabled" }],
          Tags: rackTags(),
        },
      },
      [RackResource.ExecutionRole]: {
        Type: "AWS::IAM::Role",
        Properties: {
          AssumeRolePolicyDocument: {
            Version: "2012-10-17",
            Statement: [{ Effect: "Allow", Principal: { Service: "ecs-tasks.amazonaws.com" }, Action: "sts:AssumeRole" }],
          },
          ManagedPolicyArns: [sub("arn:${AWS::Partition}:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy")],
          Tags: rackTags(),
        },
      },
      [RackResource.LogGroup]: {
        Type: "AWS::Logs::LogGroup",
        DeletionPolicy: "Delete",
        UpdateReplacePolicy: "Delete",
        Properties: { LogGroupName: sub("/racknet/${AWS::StackName}"), RetentionInDays: LOG_RETENTION_DAYS, Tags: rackTags() },
      },
      [RackResource.TemplateBucket]: {
        Type: "AWS::S3::Bucket",
        DeletionPolicy: "Delete",
        UpdateReplacePolicy: "Delete",
        Properties: {
          BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: "AES256" } }] },
          PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
          OwnershipControls: { Rules: [{ ObjectOwnership: "BucketOwnerEnforced" }] },
          LifecycleConfiguration: {
            Rules: [{ Id: "template-uploads", Status: "Enabled", ExpirationInDays: TEMPLATE_UPLOAD_DAYS, AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 } }],
          },
          Tags: rackTags(),
        },
      },
      [RackResource.TemplateBucketPolicy]: {
        Type: "AWS::S3::BucketPolicy",
        Properties: {
          Bucket: ref(RackResource.TemplateBucket),
          PolicyDocument: {
            Version: "2012-10-17",
            Statement: [
              {
                Sid: "DenyInsecureTransport",
                Effect: "Deny",
                Principal: "*",
                Action: "s3:*",
                Resource: [getAtt(RackResource.TemplateBucket, "Arn"), sub(`\${${RackResource.TemplateBucket}.Arn}/*`)],
                Condition: { Bool: { "aws:SecureTransport": "false" } },
              },
            ],
          },
        },
      },
    },
  };
}
