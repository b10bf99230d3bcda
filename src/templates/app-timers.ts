/**
 * Convox timers as EventBridge Scheduler schedules: each runs one Fargate task in the
 * rack's network, from a task definition that is its service's (image, environment, size)
 * with the timer's command. The schedules share one role that may run only the app's timer
 * task definitions on the rack's cluster and pass only the app's execution role. Pure.
 */
import type { Timer } from "../manifest/model.js";
import { AppParameter, logicalName } from "./app-contract.js";
import { EXECUTION_ROLE, taskRoleArn } from "./app-iam.js";
import { taskNetwork } from "./app-service.js";
import { type Json, type Resource, getAtt, ref, sub } from "./cfn.js";

export const SCHEDULER_ROLE = "TimerSchedulerRole";

export function timerIds(timer: string): { taskDefinition: string; schedule: string } {
  const name = logicalName(timer);
  return { taskDefinition: `Timer${name}TaskDefinition`, schedule: `Timer${name}Schedule` };
}

export function timerFamily(rack: string, app: string, timer: string): string {
  return `${rack}-${app}-timer-${timer}`;
}

const CLUSTER_ARN = sub(`arn:\${AWS::Partition}:ecs:\${AWS::Region}:\${AWS::AccountId}:cluster/\${${AppParameter.Cluster}}`);

/** The timer's task definition: its service's, with the timer's command and its own family. */
export function timerTaskDefinition(rack: string, app: string, timer: Timer, serviceTaskDefinition: Resource): Resource {
  const properties = serviceTaskDefinition.Properties ?? {};
  const [container] = (properties.ContainerDefinitions as Record<string, Json>[] | undefined) ?? [];
  if (!container) throw new Error(`timer ${timer.name}: service ${timer.service} has no container`);
  const { PortMappings: _ports, ...rest } = container;
  return {
    Type: "AWS::ECS::TaskDefinition",
    Properties: { ...properties, Family: timerFamily(rack, app, timer.name), ContainerDefinitions: [{ ...rest, Command: [...timer.command.argv] }] },
  };
}

/** `extraGroups`: the security groups of the service's tasks besides the rack's and the app's (its resource-clients group). */
export function timerSchedule(timer: Timer, extraGroups: Json[] = []): Resource {
  const ids = timerIds(timer.name);
  return {
    Type: "AWS::Scheduler::Schedule",
    Properties: {
      Description: `racknet timer ${timer.name}: ${timer.schedule} (UTC) on ${timer.service}`,
      ScheduleExpression: `cron(${timer.cron})`,
      ScheduleExpressionTimezone: "UTC",
      FlexibleTimeWindow: { Mode: "OFF" },
      State: "ENABLED",
      Target: {
        Arn: CLUSTER_ARN,
        RoleArn: getAtt(SCHEDULER_ROLE, "Arn"),
        EcsParameters: { TaskDefinitionArn: ref(ids.taskDefinition), TaskCount: 1, LaunchType: "FARGATE", NetworkConfiguration: { AwsvpcConfiguration: taskNetwork(extraGroups) } },
      },
    },
  };
}

/**
 * RunTask on exactly the app's timers' task definitions (any revision): a family prefix
 * (`<rack>-<app>-timer-*`) would also match an app named `<app>-timer-...`.
 */
export function schedulerRole(rack: string, app: string, timers: readonly string[], publishesMetrics = false): Resource {
  return {
    Type: "AWS::IAM::Role",
    Properties: {
      Description: `racknet ${rack}/${app}: EventBridge Scheduler runs the app's timers`,
      AssumeRolePolicyDocument: {
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { Service: "scheduler.amazonaws.com" }, Action: "sts:AssumeRole", Condition: { StringEquals: { "aws:SourceAccount": ref("AWS::AccountId") } } }],
      },
      Policies: [
        {
          PolicyName: "run-timers",
          PolicyDocument: {
            Version: "2012-10-17",
            Statement: [
              {
                Effect: "Allow",
                Action: "ecs:RunTask",
                Resource: timers.map((timer) => sub(`arn:\${AWS::Partition}:ecs:\${AWS::Region}:\${AWS::AccountId}:task-definition/${timerFamily(rack, app, timer)}:*`)),
                Condition: { ArnEquals: { "ecs:cluster": CLUSTER_ARN } },
              },
              // The timers' task definitions carry the app's task role too when it exists, which RunTask must be allowed to pass.
              { Effect: "Allow", Action: "iam:PassRole", Resource: [getAtt(EXECUTION_ROLE, "Arn"), taskRoleArn(publishesMetrics)] },
            ],
          },
        },
      ],
    },
  };
}
