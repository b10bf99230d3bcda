/**
 * The rack's private-network sync function: EventBridge sends each ECS task state change of
 * the rack's cluster to a small Lambda function that rewrites the `pn-<uuid>` zone's records
 * (src/functions/privnet-sync/handler.ts). Pure: the function's code comes in as a string.
 *
 * References the rack template's `Cluster` (AWS::ECS::Cluster) and `PrivateNetworkZone`
 * (AWS::Route53::HostedZone) by logical id.
 */
import { equals, getAtt, iff, noValue, ref, sub, type Json, type TemplateFragment } from "./cfn.js";
import { privateNetworkZoneName } from "./rack-dns.js";
import { RackResource } from "./rack-ids.js";

export const SYNC_CLUSTER = RackResource.Cluster;
export const SYNC_ZONE = RackResource.PrivateNetworkZone;
/**
 * `1` reserves one concurrent execution for the function; `none` where the account cannot
 * reserve any (Lambda keeps 100 of the account's concurrency unreserved): see rack-quotas.ts.
 */
export const SYNC_CONCURRENCY_PARAMETER = "SyncReservedConcurrency";
const RESERVES_CONCURRENCY = "ReservesSyncConcurrency";

/**
 * Lambda blocked creating nodejs20.x functions on 2026-06-01 (cfn-lint E2533); nodejs24.x is
 * its successor and ships the same SDK v3. The bundle targets Node 20 syntax, so it runs on both.
 */
export const SYNC_RUNTIME = "nodejs24.x";

const ROLE = "PrivateNetworkSyncRole";
const LOGS = "PrivateNetworkSyncLogGroup";
const FUNCTION = "PrivateNetworkSyncFunction";
const ON_TASK_CHANGE = "PrivateNetworkSyncRule";
const EVERY_FEW_MINUTES = "PrivateNetworkSyncSchedule";

/** Task states that change who answers: RUNNING adds (and, with desired STOPPED, removes); the rest remove. */
const RELEVANT_STATUSES = ["RUNNING", "DEACTIVATING", "STOPPING", "STOPPED"];

const functionName = sub("${AWS::StackName}-privnet-sync");
const clusterArn = getAtt(SYNC_CLUSTER, "Arn");
const zoneArn = sub(`arn:\${AWS::Partition}:route53:::hostedzone/\${${SYNC_ZONE}}`);

export function privateNetworkSyncFragment(code: string): TemplateFragment {
  return {
    Parameters: {
      [SYNC_CONCURRENCY_PARAMETER]: {
        Type: "String",
        Default: "1",
        AllowedValues: ["1", "none"],
        Description: "derived: 1 runs the private-network sync function one at a time; none where the account cannot reserve concurrency",
      },
    },
    Conditions: { [RESERVES_CONCURRENCY]: equals(ref(SYNC_CONCURRENCY_PARAMETER), "1") },
    Resources: {
      [LOGS]: {
        Type: "AWS::Logs::LogGroup",
        DeletionPolicy: "Delete",
        UpdateReplacePolicy: "Delete",
        Properties: { LogGroupName: sub("/aws/lambda/${AWS::StackName}-privnet-sync"), RetentionInDays: 14 },
      },
      [ROLE]: { Type: "AWS::IAM::Role", Properties: roleProperties() },
      [FUNCTION]: {
        Type: "AWS::Lambda::Function",
        DependsOn: LOGS,
        Properties: {
          FunctionName: functionName,
          Description: "racknet: keeps the private network's DNS names on the running containers",
          Runtime: SYNC_RUNTIME,
          Handler: "index.handler",
          Code: { ZipFile: code },
          Role: getAtt(ROLE, "Arn"),
          Timeout: 60,
          MemorySize: 256,
          // One run at a time: runs never race each other, and Route 53's per-account request
          // rate (5 a second) is shared with the CLI and every other client of the account.
          // Events that arrive meanwhile are retried by Lambda's asynchronous invocation.
          ReservedConcurrentExecutions: iff(RESERVES_CONCURRENCY, 1, noValue),
          Environment: { Variables: { CLUSTER: ref(SYNC_CLUSTER), ZONE_ID: ref(SYNC_ZONE), ZONE_NAME: privateNetworkZoneName } },
        },
      },
      [ON_TASK_CHANGE]: {
        Type: "AWS::Events::Rule",
        Properties: {
          Description: "racknet: task state changes of the rack's cluster",
          State: "ENABLED",
          EventPattern: {
            source: ["aws.ecs"],
            "detail-type": ["ECS Task State Change"],
            detail: { clusterArn: [clusterArn], lastStatus: RELEVANT_STATUSES },
          },
          Targets: [{ Id: "privnet-sync", Arn: getAtt(FUNCTION, "Arn") }],
        },
      },
      // A missed event (the function failed every retry) is healed within minutes.
      [EVERY_FEW_MINUTES]: {
        Type: "AWS::Events::Rule",
        Properties: {
          Description: "racknet: periodic private network sync",
          State: "ENABLED",
          ScheduleExpression: "rate(10 minutes)",
          Targets: [{ Id: "privnet-sync", Arn: getAtt(FUNCTION, "Arn") }],
        },
      },
      [`${ON_TASK_CHANGE}Permission`]: invokePermission(ON_TASK_CHANGE),
      [`${EVERY_FEW_MINUTES}Permission`]: invokePermission(EVERY_FEW_MINUTES),
    },
  };
}

function invokePermission(rule: string) {
  return {
    Type: "AWS::Lambda::Permission",
    Properties: { Action: "lambda:InvokeFunction", FunctionName: ref(FUNCTION), Principal: "events.amazonaws.com", SourceArn: getAtt(rule, "Arn") },
  };
}

function roleProperties(): Record<string, Json> {
  const statement = (Action: string[], Resource: Json, Condition?: Json): Json => ({ Effect: "Allow", Action, Resource, ...(Condition ? { Condition } : {}) });
  return {
    AssumeRolePolicyDocument: {
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }],
    },
    Policies: [
      {
        PolicyName: "privnet-sync",
        PolicyDocument: {
          Version: "2012-10-17",
          Statement: [
            // ListTasks is scoped by its ecs:cluster condition, DescribeTasks by the task ARNs.
            statement(["ecs:ListTasks"], "*", { ArnEquals: { "ecs:cluster": clusterArn } }),
            statement(["ecs:DescribeTasks"], sub(`arn:\${AWS::Partition}:ecs:\${AWS::Region}:\${AWS::AccountId}:task/\${${SYNC_CLUSTER}}/*`)),
            statement(["route53:ListResourceRecordSets", "route53:ChangeResourceRecordSets"], zoneArn),
            statement(["logs:CreateLogStream", "logs:PutLogEvents"], getAtt(LOGS, "Arn")),
          ],
        },
      },
    ],
  };
}
