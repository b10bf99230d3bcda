/**
 * One service's Fargate task definition and ECS service. Pure.
 */
import { endpointKinds, type Service } from "../manifest/model.js";
import { APP_ID_EXPRESSION, AppParameter } from "./app-contract.js";
import { APP_ID_TAG, SERVICE_TAG } from "../privnet/aws-shapes.js";
import { type Json, type Resource, ref, split } from "./cfn.js";
import { routingIds, serviceSecurityGroupId } from "./app-routing.js";

export interface ServiceResourcesInput {
  rack: string;
  app: string;
  service: Service;
  /** Logical-id prefix of the service (`MyApi`). */
  id: string;
  environment: Record<string, Json>;
}

export function taskDefinition({ rack, app, service, environment }: ServiceResourcesInput): Resource {
  const container: Record<string, Json> = {
    Name: service.name,
    Image: service.image ?? "",
    Essential: true,
    Environment: Object.entries(environment).map(([Name, Value]) => ({ Name, Value })),
    LogConfiguration: {
      LogDriver: "awslogs",
      Options: { "awslogs-group": ref(AppParameter.LogGroup), "awslogs-region": ref("AWS::Region"), "awslogs-stream-prefix": app },
    },
  };
  // As Convox does: the manifest's command is a shell command line.
  if (service.command) container.Command = ["sh", "-c", service.command];
  if (service.port) container.PortMappings = [{ ContainerPort: service.port.port, Protocol: "tcp" }];
  return {
    Type: "AWS::ECS::TaskDefinition",
    Properties: {
      Family: `${rack}-${app}-${service.name}`,
      RequiresCompatibilities: ["FARGATE"],
      NetworkMode: "awsvpc",
      Cpu: String(service.cpu),
      Memory: String(service.memory),
      ExecutionRoleArn: ref(AppParameter.ExecutionRoleArn),
      ContainerDefinitions: [container],
    },
  };
}

/** Rolling deployments that never go below the desired count: how a rack moves subnets safely. */
export function ecsService({ service, id }: ServiceResourcesInput): Resource {
  const kinds = endpointKinds(service);
  const port = service.port?.port;
  const properties: Record<string, Json> = {
    Cluster: ref(AppParameter.Cluster),
    LaunchType: "FARGATE",
    TaskDefinition: ref(`${id}TaskDefinition`),
    DesiredCount: service.count,
    // The private network sync finds a task's app and service by these tags (DescribeTasks has no environment).
    PropagateTags: "SERVICE",
    Tags: [
      { Key: APP_ID_TAG, Value: APP_ID_EXPRESSION },
      { Key: SERVICE_TAG, Value: service.name },
    ],
    DeploymentConfiguration: { MinimumHealthyPercent: 100, MaximumPercent: 200 },
    NetworkConfiguration: {
      AwsvpcConfiguration: {
        Subnets: split(",", ref(AppParameter.ServiceSubnets)),
        AssignPublicIp: ref(AppParameter.AssignPublicIp),
        SecurityGroups: [ref(AppParameter.NetworkSecurityGroup), serviceSecurityGroupId],
      },
    },
  };
  if (port !== undefined && kinds.length > 0) {
    properties.LoadBalancers = kinds.map((kind) => ({ ContainerName: service.name, ContainerPort: port, TargetGroupArn: ref(routingIds(id, kind).targetGroup) }));
    properties.HealthCheckGracePeriodSeconds = 60;
  }
  return {
    Type: "AWS::ECS::Service",
    // ECS refuses a target group that no listener rule uses yet.
    ...(kinds.length > 0 ? { DependsOn: kinds.map((kind) => routingIds(id, kind).rule) } : {}),
    Properties: properties,
  };
}
