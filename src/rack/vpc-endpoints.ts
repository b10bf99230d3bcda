/**
 * The interface endpoints of VpcEndpoints=Yes: one per AWS service the rack's tasks and
 * builds call, decided from what the code makes them call (docs/egress.md, "Which
 * endpoints"). The sync function runs outside the VPC and needs none. S3 is not here: every
 * private rack has the free S3 gateway endpoint. Pure.
 */
/** The rack template's logical id of the S3 gateway endpoint: the template names it, the plan finds it. */
export const S3_GATEWAY_ENDPOINT_ID = "S3GatewayEndpoint";

export interface InterfaceEndpoint {
  /** The service name after `com.amazonaws.<region>.` */
  service: string;
  /** The rack template's logical id. */
  logicalId: string;
  /** Who calls it, and why. */
  why: string;
}

export const INTERFACE_ENDPOINTS: readonly InterfaceEndpoint[] = [
  { service: "ecr.api", logicalId: "EcrApiEndpoint", why: "Fargate's image pulls (authorization, manifests) and builds' pushes" },
  { service: "ecr.dkr", logicalId: "EcrDockerEndpoint", why: "the registry itself, for pulls and pushes; the layers come from S3 through the gateway endpoint" },
  { service: "logs", logicalId: "LogsEndpoint", why: "the awslogs driver of every task, and build logs" },
  { service: "ssm", logicalId: "SsmEndpoint", why: "the app environment: task definitions read their Secrets from Parameter Store, builds read build args there" },
  { service: "ssmmessages", logicalId: "SsmMessagesEndpoint", why: "ECS Exec (racknet exec): the session channels to the task's SSM agent" },
  { service: "sts", logicalId: "StsEndpoint", why: "apps that assume roles or ask who they are (the regional STS endpoint)" },
];
