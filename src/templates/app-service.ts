/**
 * One service's Fargate task definition and ECS service. Pure.
 */
import { autoscales, endpointKinds, type Service } from "../manifest/model.js";
import type { ServiceEnvironment } from "../manifest/environment.js";
import { APP_ID_EXPRESSION, AppParameter, EXEC_ENABLED, serviceIds } from "./app-contract.js";
import { APP_ID_TAG, SERVICE_TAG } from "../names/index.js";
import { type Json, type Resource, getAtt, iff, ref, split, sub } from "./cfn.js";
import { routingIds, serviceSecurityGroupId } from "./app-routing.js";
import { EXECUTION_ROLE, taskRoleArn } from "./app-iam.js";
import { probeContainer } from "./app-probe.js";
import { nlbPortIds } from "./app-nlb.js";

export interface ServiceResourcesInput {
  rack: string;
  app: string;
  service: Service;
  /** Logical-id prefix of the service (`MyApi`). */
  id: string;
  /** The image the task runs: `image:`, or the build's (an input of the template, never the manifest's guess). */
  image: string;
  /** Variables racknet sets itself (links, RACKNET_*): names and values that are no secret. */
  environment: Record<string, Json>;
  /** The app environment: which SSM parameter holds each variable (values never reach the template). */
  secrets: ServiceEnvironment;
  /** `<NAME>_URL` of each resource the service lists → its Secrets Manager secret (app-resources.ts). */
  resourceSecrets?: Record<string, Json>;
  /** The endpoints of those resources, as a container label: a new endpoint rolls the service (app-resources.ts). */
  resourceEndpoints?: Json;
  /** Security groups the tasks carry besides the rack's and the app's: the service's resource-clients group. */
  extraGroups?: Json[];
  /** True when the app's tasks publish queue depths: they always have the task role (app-iam.ts). */
  publishesMetrics?: boolean;
}

/** The container label that changes when a listed resource's endpoint does. */
export const RESOURCE_ENDPOINTS_LABEL = "racknet.resource-endpoints";

/** `arn:...:parameter/racknet/...` for a parameter name (which starts with `/`). */
export function parameterArn(name: string): Json {
  return sub(`arn:\${AWS::Partition}:ssm:\${AWS::Region}:\${AWS::AccountId}:parameter${name}`);
}

export function taskDefinition({ rack, app, service, image, environment, secrets, resourceSecrets = {}, resourceEndpoints, publishesMetrics = false }: ServiceResourcesInput): Resource {
  const plain = { ...Object.fromEntries(secrets.empty.map((name) => [name, ""])), ...environment };
  const container: Record<string, Json> = {
    Name: service.name,
    Image: image,
    Essential: true,
    Environment: Object.entries(plain).map(([Name, Value]) => ({ Name, Value })),
    LogConfiguration: {
      LogDriver: "awslogs",
      Options: { "awslogs-group": ref(AppParameter.LogGroup), "awslogs-region": ref("AWS::Region"), "awslogs-stream-prefix": app },
    },
  };
  const secretEntries = [...Object.entries(secrets.secrets).map(([Name, parameter]) => ({ Name, ValueFrom: parameterArn(parameter) })), ...Object.entries(resourceSecrets).map(([Name, ValueFrom]) => ({ Name, ValueFrom }))];
  if (secretEntries.length > 0) container.Secrets = secretEntries;
  if (resourceEndpoints !== undefined) container.DockerLabels = { [RESOURCE_ENDPOINTS_LABEL]: resourceEndpoints };
  // The argv exactly (command.ts decides when a string needs `sh -c`).
  if (service.command) container.Command = [...service.command.argv];
  const containerPorts = [...new Set([...(service.port ? [service.port.port] : []), ...service.nlb.map((port) => port.containerPort)])];
  if (containerPorts.length > 0) container.PortMappings = containerPorts.map((port) => ({ ContainerPort: port, Protocol: "tcp" }));
  if (service.terminationGrace !== undefined) container.StopTimeout = service.terminationGrace;
  if (service.init) container.LinuxParameters = { InitProcessEnabled: true };
  return {
    Type: "AWS::ECS::TaskDefinition",
    Properties: {
      Family: `${rack}-${app}-${service.name}`,
      RequiresCompatibilities: ["FARGATE"],
      NetworkMode: "awsvpc",
      Cpu: String(service.scale.cpu),
      Memory: String(service.scale.memory),
      ExecutionRoleArn: getAtt(EXECUTION_ROLE, "Arn"),
      // A task role only for ECS Exec (`Exec=Yes`) and publishing queue depths; without them the containers have no AWS identity.
      TaskRoleArn: taskRoleArn(publishesMetrics),
      ContainerDefinitions: [container, ...probeContainer(service)],
    },
  };
}

/** The rack's network for a task: its service subnets, its security groups (Fargate `awsvpc`). */
export function taskNetwork(extraGroups: Json[] = []): Json {
  return {
    Subnets: split(",", ref(AppParameter.ServiceSubnets)),
    AssignPublicIp: ref(AppParameter.AssignPublicIp),
    SecurityGroups: [ref(AppParameter.NetworkSecurityGroup), serviceSecurityGroupId, ...extraGroups],
  };
}

/**
 * Rolling deployments as the manifest's `deployment` says (racknet's default never goes below
 * the desired count), and the circuit breaker: a deployment whose tasks keep failing is rolled
 * back by ECS instead of holding the stack in progress for hours (issue 9 item 11).
 */
export function ecsService({ service, id, extraGroups = [] }: ServiceResourcesInput): Resource {
  const kinds = endpointKinds(service);
  const port = service.port?.port;
  const properties: Record<string, Json> = {
    Cluster: ref(AppParameter.Cluster),
    LaunchType: "FARGATE",
    TaskDefinition: ref(serviceIds(service.name).taskDefinition),
    // The private network sync finds a task's app and service by these tags (DescribeTasks has no environment).
    PropagateTags: "SERVICE",
    EnableExecuteCommand: iff(EXEC_ENABLED, true, false),
    Tags: [
      { Key: APP_ID_TAG, Value: APP_ID_EXPRESSION },
      { Key: SERVICE_TAG, Value: service.name },
    ],
    DeploymentConfiguration: {
      MinimumHealthyPercent: service.deployment.minimum,
      MaximumPercent: service.deployment.maximum,
      DeploymentCircuitBreaker: { Enable: true, Rollback: true },
    },
    NetworkConfiguration: { AwsvpcConfiguration: taskNetwork(extraGroups) },
  };
  // An autoscaled service's count is Application Auto Scaling's: left out, CloudFormation creates
  // the service with 1 task (the scalable target then moves it into min..max) and an update
  // keeps the count it has, instead of resetting a scaled-out service to its minimum
  // (docs/manifest.md, "scale"; aws/aws-cdk#13130).
  if (!autoscales(service)) properties.DesiredCount = service.scale.min;
  const balanced = [
    ...(port !== undefined ? kinds.map((kind) => ({ ContainerName: service.name, ContainerPort: port, TargetGroupArn: ref(routingIds(id, kind).targetGroup) })) : []),
    ...service.nlb.map((nlbPort) => ({ ContainerName: service.name, ContainerPort: nlbPort.containerPort, TargetGroupArn: ref(nlbPortIds(service.name, nlbPort.port).targetGroup) })),
  ];
  if (balanced.length > 0) {
    properties.LoadBalancers = balanced;
    properties.HealthCheckGracePeriodSeconds = service.health.grace;
  }
  // ECS refuses a target group that no listener (rule) uses yet.
  const dependsOn = [...kinds.map((kind) => routingIds(id, kind).rule), ...service.nlb.map((nlbPort) => nlbPortIds(service.name, nlbPort.port).listener)];
  return {
    Type: "AWS::ECS::Service",
    ...(dependsOn.length > 0 ? { DependsOn: dependsOn } : {}),
    Properties: properties,
  };
}
