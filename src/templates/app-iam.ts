/**
 * The app's task execution role: what ECS uses to pull the image, write the logs and read
 * the app environment for the containers. It may read exactly this app's SSM path
 * (`/racknet/<rack>/apps/<app>/`), and decrypt only through SSM. Pure.
 */
import { appEnvironmentPath, appMetricNamespace } from "../names/index.js";
import { EXEC_ENABLED } from "./app-contract.js";
import { type Json, type Resource, getAtt, iff, noValue, sub } from "./cfn.js";

export const EXECUTION_ROLE = "ExecutionRole";

/** `secretArns`: the URL secrets of the app's resources (app-resources.ts), which ECS reads for the containers. */
export function executionRole(rack: string, app: string, secretArns: Json[] = []): Resource {
  return {
    Type: "AWS::IAM::Role",
    Properties: {
      Description: `racknet ${rack}/${app}: ECS pulls images, writes logs and reads this app's environment`,
      AssumeRolePolicyDocument: {
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { Service: "ecs-tasks.amazonaws.com" }, Action: "sts:AssumeRole" }],
      },
      ManagedPolicyArns: [sub("arn:${AWS::Partition}:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy")],
      Policies: [
        {
          PolicyName: "app-environment",
          PolicyDocument: {
            Version: "2012-10-17",
            Statement: [
              { Effect: "Allow", Action: "ssm:GetParameters", Resource: sub(`arn:\${AWS::Partition}:ssm:\${AWS::Region}:\${AWS::AccountId}:parameter${appEnvironmentPath(rack, app)}*`) },
              // SecureString values are decrypted by SSM on the role's behalf; no other use of the key.
              { Effect: "Allow", Action: "kms:Decrypt", Resource: "*", Condition: { StringEquals: { "kms:ViaService": sub("ssm.${AWS::Region}.amazonaws.com") } } },
              // The resources' URLs (encrypted with the AWS managed key, which Secrets Manager uses on the caller's behalf).
              ...(secretArns.length > 0 ? [{ Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: secretArns }] : []),
            ],
          },
        },
      ],
    },
  };
}

export const TASK_ROLE = "TaskRole";

/**
 * The app's task role. With `Exec=Yes`, what the containers' ECS Exec agent needs to open its
 * Session Manager channels, the four ssmmessages actions and nothing else
 * (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-exec.html, "IAM permissions
 * required for ECS Exec"). When a service scales on a queue depth (`autoscale.queueDepth`),
 * `cloudwatch:PutMetricData` in the app's own namespace only (the `cloudwatch:namespace` condition
 * key, https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/iam-cw-condition-keys-namespace.html),
 * so that the app's tasks can publish the depth. Without either the tasks have no role at all.
 */
export function taskRole(rack: string, app: string, publishesMetrics: boolean): Resource {
  const execPolicy: Json = {
    PolicyName: "ecs-exec",
    PolicyDocument: {
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Action: ["ssmmessages:CreateControlChannel", "ssmmessages:CreateDataChannel", "ssmmessages:OpenControlChannel", "ssmmessages:OpenDataChannel"], Resource: "*" }],
    },
  };
  const metricsPolicy: Json = {
    PolicyName: "queue-depth",
    PolicyDocument: {
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Action: "cloudwatch:PutMetricData", Resource: "*", Condition: { StringEquals: { "cloudwatch:namespace": appMetricNamespace(rack, app) } } }],
    },
  };
  return {
    Type: "AWS::IAM::Role",
    ...(publishesMetrics ? {} : { Condition: EXEC_ENABLED }),
    Properties: {
      Description: publishesMetrics ? `racknet ${rack}/${app}: the app's tasks publish their queue depths (and open ECS Exec channels with Exec=Yes)` : `racknet ${rack}/${app}: the ECS Exec agent in the app's tasks opens its Session Manager channels`,
      AssumeRolePolicyDocument: {
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { Service: "ecs-tasks.amazonaws.com" }, Action: "sts:AssumeRole" }],
      },
      Policies: publishesMetrics ? iff(EXEC_ENABLED, [execPolicy, metricsPolicy], [metricsPolicy]) : [execPolicy],
    },
  };
}

/** The task definitions' `TaskRoleArn`: the role above whenever it exists. */
export function taskRoleArn(publishesMetrics: boolean): Json {
  return publishesMetrics ? getAtt(TASK_ROLE, "Arn") : iff(EXEC_ENABLED, getAtt(TASK_ROLE, "Arn"), noValue);
}
