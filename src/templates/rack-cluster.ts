import { sub, type TemplateFragment } from "./cfn.js";
import { RackResource, rackTags } from "./rack-ids.js";

/**
 * What apps share besides the network: the Fargate cluster, the role ECS uses to pull
 * images and write logs, the log group, and a bucket for templates over the 51,200-byte
 * inline limit (CloudFormation copies a template when it reads it, so uploads expire).
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
          CapacityProviders: ["FARGATE", "FARGATE_SPOT"],
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
        Properties: { LogGroupName: sub("/racknet/${AWS::StackName}"), RetentionInDays: LOG_RETENTION_DAYS, Tags: rackTags() },
      },
      [RackResource.TemplateBucket]: {
        Type: "AWS::S3::Bucket",
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
    },
  };
}
