/**
 * What holds a subnet: EC2 refuses to delete a subnet that network interfaces still use ("The
 * subnet ... has dependencies and cannot be deleted"), and a Fargate task's or a Lambda
 * function's interface outlives the task or function by a while. These calls list the
 * interfaces of subnets (or of a VPC) and say whose each is (docs/rack-template.md,
 * "Deletion order").
 */
import type { EC2Client, NetworkInterface } from "@aws-sdk/client-ec2";
import { sdk } from "./sdk.js";

export interface SubnetHolder {
  id: string;
  subnetId: string;
  description: string;
  /** Who made it: `amazon-elb`, an ECS or Lambda principal, an account id. */
  requester: string;
  /** interface, lambda, nat_gateway, network_load_balancer, ... */
  interfaceType: string;
  status: string;
}

export async function networkInterfaces(ec2: EC2Client, where: { subnetIds: readonly string[] } | { vpcId: string }): Promise<SubnetHolder[]> {
  if ("subnetIds" in where && where.subnetIds.length === 0) return [];
  const { paginateDescribeNetworkInterfaces } = sdk.ec2();
  const filter = "subnetIds" in where ? { Name: "subnet-id", Values: [...where.subnetIds] } : { Name: "vpc-id", Values: [where.vpcId] };
  const holders: SubnetHolder[] = [];
  for await (const page of paginateDescribeNetworkInterfaces({ client: ec2 }, { Filters: [filter] })) holders.push(...(page.NetworkInterfaces ?? []).map(toHolder));
  return holders;
}

function toHolder(eni: NetworkInterface): SubnetHolder {
  return {
    id: eni.NetworkInterfaceId ?? "?",
    subnetId: eni.SubnetId ?? "?",
    description: eni.Description ?? "",
    requester: eni.RequesterId ?? eni.Attachment?.InstanceOwnerId ?? "?",
    interfaceType: eni.InterfaceType ?? "interface",
    status: eni.Status ?? "?",
  };
}

/** `eni-0a1 in subnet-1: "arn:aws:ecs:…:attachment/…" (requester 123456789012, in-use)`. */
export function describeHolder(holder: SubnetHolder): string {
  return `${holder.id} in ${holder.subnetId}: "${holder.description || "no description"}" (requester ${holder.requester}, ${holder.interfaceType}, ${holder.status})`;
}

/**
 * Who holds an interface, in a few words, from what EC2 says of it: ECS writes its task
 * attachment's ARN as the description, Lambda `AWS Lambda VPC ENI-<function>-<uuid>`.
 * `an ECS task (eni-0a1)`, `Lambda function resize (eni-0b2)`, else the description itself.
 */
export function holderName(holder: SubnetHolder): string {
  if (/^arn:aws[a-z-]*:ecs:.*:attachment\//.test(holder.description)) return `an ECS task (${holder.id})`;
  const lambda = /^AWS Lambda VPC ENI-(.+)-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.exec(holder.description);
  if (lambda?.[1]) return `Lambda function ${lambda[1]} (${holder.id})`;
  return holder.description ? `"${holder.description}" (${holder.id})` : holder.id;
}

/**
 * Interfaces CloudFormation removes itself, in the template's order, when it deletes their
 * owner: a load balancer's (ELB names them `ELB app/<name>/<id>`) and a NAT gateway's. The
 * others (Fargate tasks, Lambda functions) belong to no resource of the rack's stack.
 */
export function ownedByTheStack(holder: SubnetHolder): boolean {
  return STACK_OWNED_TYPES.has(holder.interfaceType) || holder.description.startsWith("ELB ");
}

/** InterfaceType as DescribeNetworkInterfaces answers it (natGateway; the interface-type filter says nat_gateway): https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_NetworkInterface.html */
const STACK_OWNED_TYPES = new Set(["natGateway", "nat_gateway", "load_balancer", "network_load_balancer"]);
