/**
 * What holds a subnet: EC2 refuses to delete a subnet that network interfaces still use ("The
 * subnet ... has dependencies and cannot be deleted"), and a Fargate task's or a Lambda
 * function's interface outlives the task or function by a while. These calls list the
 * interfaces of subnets (or of a VPC) and say whose each is (docs/rack-template.md,
 * "Deletion order").
 */
import type { CloudFormationClient } from "@aws-sdk/client-cloudformation";
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
  /** A load balancer's interface: `app/<name>/<id>` or `net/<name>/<id>`, from ELB's description `ELB app/<name>/<id>`. */
  loadBalancer?: string;
}

export type InterfaceScope = { subnetIds: readonly string[] } | { vpcId: string } | { groupIds: readonly string[] };

export async function networkInterfaces(ec2: EC2Client, where: InterfaceScope): Promise<SubnetHolder[]> {
  if ("subnetIds" in where && where.subnetIds.length === 0) return [];
  if ("groupIds" in where && where.groupIds.length === 0) return [];
  const { paginateDescribeNetworkInterfaces } = sdk.ec2();
  const filter = "subnetIds" in where ? { Name: "subnet-id", Values: [...where.subnetIds] } : "groupIds" in where ? { Name: "group-id", Values: [...where.groupIds] } : { Name: "vpc-id", Values: [where.vpcId] };
  const holders: SubnetHolder[] = [];
  for await (const page of paginateDescribeNetworkInterfaces({ client: ec2 }, { Filters: [filter] })) holders.push(...(page.NetworkInterfaces ?? []).map(toHolder));
  return holders;
}

function toHolder(eni: NetworkInterface): SubnetHolder {
  const balancer = /^ELB ((?:app|net|gwy)\/[^/\s]+\/[^/\s]+)$/.exec(eni.Description ?? "")?.[1];
  return {
    ...(balancer ? { loadBalancer: balancer } : {}),
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
 * Interfaces CloudFormation removes itself, in the template's order, when it deletes their
 * owner: those of the stack's own load balancers (ELB names them `ELB app/<name>/<id>`) and
 * NAT gateways. Everything else holds the subnet until it goes by itself: Fargate tasks',
 * Lambda functions', and those of a load balancer that is gone or not the stack's, which ELB
 * releases asynchronously after the load balancer is deleted (or has left the subnet).
 */
export function goesWithTheStack(holder: SubnetHolder, stackBalancers: ReadonlySet<string>): boolean {
  if (holder.loadBalancer !== undefined) return stackBalancers.has(holder.loadBalancer);
  return STACK_OWNED_TYPES.has(holder.interfaceType);
}

/** InterfaceType as DescribeNetworkInterfaces answers it (natGateway; the interface-type filter says nat_gateway): https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_NetworkInterface.html */
const STACK_OWNED_TYPES = new Set(["natGateway", "nat_gateway"]);

/** The stack's load balancers as their interfaces name them: `app/<name>/<id>`, from each one's ARN (ListStackResources). */
export async function stackLoadBalancers(cfn: CloudFormationClient, stackId: string): Promise<Set<string>> {
  const { paginateListStackResources } = sdk.cloudFormation();
  const balancers = new Set<string>();
  for await (const page of paginateListStackResources({ client: cfn }, { StackName: stackId })) {
    for (const resource of page.StackResourceSummaries ?? []) {
      if (resource.ResourceType !== "AWS::ElasticLoadBalancingV2::LoadBalancer" || resource.ResourceStatus === "DELETE_COMPLETE") continue;
      const suffix = resource.PhysicalResourceId?.split(":loadbalancer/")[1];
      if (suffix) balancers.add(suffix);
    }
  }
  return balancers;
}

/** What the progress line names for a holder: the load balancer it belonged to, or its description. */
export function holderName(holder: SubnetHolder): string {
  if (holder.loadBalancer) return `${holder.id} (load balancer ${holder.loadBalancer}, released by ELB after it is deleted or leaves the subnet)`;
  // ECS writes its task attachment's ARN as the description, Lambda `AWS Lambda VPC ENI-<function>-<uuid>`.
  if (/^arn:aws[a-z-]*:ecs:.*:attachment\//.test(holder.description)) return `${holder.id} (an ECS task's)`;
  const lambda = /^AWS Lambda VPC ENI-(.+)-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.exec(holder.description);
  if (lambda?.[1]) return `${holder.id} (Lambda function ${lambda[1]})`;
  return `${holder.id} (${holder.description || holder.interfaceType})`;
}

/** Which of these subnets still exist (DescribeSubnets by filter: a missing one is left out, not an error). */
export async function existingSubnets(ec2: EC2Client, subnetIds: readonly string[]): Promise<string[]> {
  if (subnetIds.length === 0) return [];
  const { paginateDescribeSubnets } = sdk.ec2();
  const found: string[] = [];
  for await (const page of paginateDescribeSubnets({ client: ec2 }, { Filters: [{ Name: "subnet-id", Values: [...subnetIds] }] })) {
    for (const subnet of page.Subnets ?? []) if (subnet.SubnetId) found.push(subnet.SubnetId);
  }
  return found;
}

export async function deleteSubnet(ec2: EC2Client, subnetId: string): Promise<void> {
  const { DeleteSubnetCommand } = sdk.ec2();
  await ec2.send(new DeleteSubnetCommand({ SubnetId: subnetId }));
}
