/**
 * What the account uses and may use, for the quota check before install and Private=Yes:
 * EC2's Describe calls for the usage, Service Quotas for the limits.
 *
 * GetServiceQuota answers the applied value; "for some quotas, only the default values are
 * available. If the applied quota value is not available for a quota, the quota is not
 * retrieved" (NoSuchResourceException): then GetAWSDefaultServiceQuota
 * (https://docs.aws.amazon.com/servicequotas/2019-06-24/apireference/API_GetServiceQuota.html,
 * https://docs.aws.amazon.com/servicequotas/2019-06-24/apireference/API_GetAWSDefaultServiceQuota.html).
 * Where Service Quotas cannot be reached or is not allowed, the limit is left out and the
 * caller uses the documented default (DEFAULT_LIMITS in src/templates/rack-quotas.ts).
 */
import type { EC2Client } from "@aws-sdk/client-ec2";
import type { ECSClient } from "@aws-sdk/client-ecs";
import type { ServiceQuotasClient } from "@aws-sdk/client-service-quotas";
import { sdk } from "./sdk.js";

export interface NetworkUsage {
  /** Elastic IP addresses of the region (all of them count toward the VPC Elastic IP quota). */
  elasticIps: number;
  vpcs: number;
  internetGateways: number;
  /** NAT gateways pending, available or deleting (those count toward the quota), by zone name. */
  natGateways: Record<string, number>;
}

/** NAT gateways in these states count toward "NAT gateways per Availability Zone". */
export const COUNTED_NAT_STATES = ["pending", "available", "deleting"];

/**
 * What a change can add: counting is skipped for what it does not add (a public install makes
 * no Elastic IP nor NAT gateway), and `vpcs` may come from a list the caller reads anyway
 * (install reads the Region's VPCs once, for their ranges and their count).
 */
export interface UsageReads {
  vpcs: boolean | Promise<number>;
  internetGateways: boolean;
  elasticIps: boolean;
  natGateways: boolean;
}

const EVERY_READ: UsageReads = { vpcs: true, internetGateways: true, elasticIps: true, natGateways: true };

/** The usage; a count not read is 0 (the caller judges only what it read: src/rack-steps/quotas.ts). */
export async function networkUsage(ec2: EC2Client, reads: UsageReads = EVERY_READ): Promise<NetworkUsage> {
  const { DescribeAddressesCommand, paginateDescribeVpcs, paginateDescribeInternetGateways, paginateDescribeNatGateways } = sdk.ec2();
  const count = async <T>(pages: AsyncIterable<T>, items: (page: T) => unknown[] | undefined) => {
    let total = 0;
    for await (const page of pages) total += items(page)?.length ?? 0;
    return total;
  };
  const natSubnets = async () => {
    const subnets: string[] = [];
    for await (const page of paginateDescribeNatGateways({ client: ec2 }, { Filter: [{ Name: "state", Values: COUNTED_NAT_STATES }] })) {
      for (const gateway of page.NatGateways ?? []) if (gateway.SubnetId) subnets.push(gateway.SubnetId);
    }
    return subnets;
  };
  const vpcs = typeof reads.vpcs === "boolean" ? (reads.vpcs ? count(paginateDescribeVpcs({ client: ec2 }, {}), (page) => page.Vpcs) : 0) : reads.vpcs;
  const [elasticIps, vpcCount, internetGateways, gatewaySubnets] = await Promise.all([
    reads.elasticIps ? ec2.send(new DescribeAddressesCommand({})).then((addresses) => addresses.Addresses?.length ?? 0) : 0,
    vpcs,
    reads.internetGateways ? count(paginateDescribeInternetGateways({ client: ec2 }, {}), (page) => page.InternetGateways) : 0,
    reads.natGateways ? natSubnets() : [],
  ]);
  return { elasticIps, vpcs: vpcCount, internetGateways, natGateways: await zonesOf(ec2, gatewaySubnets) };
}

/** How many of these subnets (one per NAT gateway) are in each zone. */
async function zonesOf(ec2: EC2Client, subnetIds: readonly string[]): Promise<Record<string, number>> {
  if (subnetIds.length === 0) return {};
  const { paginateDescribeSubnets } = sdk.ec2();
  const zoneOf = new Map<string, string>();
  for await (const page of paginateDescribeSubnets({ client: ec2 }, { SubnetIds: [...new Set(subnetIds)] })) {
    for (const subnet of page.Subnets ?? []) if (subnet.SubnetId && subnet.AvailabilityZone) zoneOf.set(subnet.SubnetId, subnet.AvailabilityZone);
  }
  const perZone: Record<string, number> = {};
  for (const subnet of subnetIds) {
    const zone = zoneOf.get(subnet) ?? "unknown";
    perZone[zone] = (perZone[zone] ?? 0) + 1;
  }
  return perZone;
}

/**
 * The vCPUs of the Fargate On-Demand tasks running in the region now, from ECS: every
 * cluster's running tasks (ListClusters, ListTasks, DescribeTasks by 100), FARGATE_SPOT ones
 * left out (a quota of their own). EKS pods on Fargate, which count too, are not seen.
 */
export async function fargateVcpusRunning(ecs: ECSClient): Promise<number> {
  const { paginateListClusters, paginateListTasks, DescribeTasksCommand } = sdk.ecs();
  const clusters: string[] = [];
  for await (const page of paginateListClusters({ client: ecs }, {})) clusters.push(...(page.clusterArns ?? []));
  const perCluster = await Promise.all(
    clusters.map(async (cluster) => {
      const arns: string[] = [];
      for await (const page of paginateListTasks({ client: ecs }, { cluster, desiredStatus: "RUNNING" })) arns.push(...(page.taskArns ?? []));
      let units = 0;
      for (let start = 0; start < arns.length; start += 100) {
        const { tasks } = await ecs.send(new DescribeTasksCommand({ cluster, tasks: arns.slice(start, start + 100) }));
        for (const task of tasks ?? []) {
          const onDemand = task.launchType === "FARGATE" || task.capacityProviderName === "FARGATE";
          if (onDemand) units += Number(task.cpu ?? 0) || 0;
        }
      }
      return units;
    }),
  );
  return perCluster.reduce((sum, units) => sum + units, 0) / 1024;
}

export type QuotaLookup = { value: number; source: "applied" | "default" } | { value?: undefined; source: "unavailable"; reason: string };

/** The account's value of one quota: applied, else AWS's default, else unavailable (with why). */
export async function serviceQuota(client: ServiceQuotasClient, serviceCode: string, quotaCode: string): Promise<QuotaLookup> {
  const { GetServiceQuotaCommand, GetAWSDefaultServiceQuotaCommand } = sdk.serviceQuotas();
  try {
    const { Quota } = await client.send(new GetServiceQuotaCommand({ ServiceCode: serviceCode, QuotaCode: quotaCode }));
    if (Quota?.Value !== undefined) return { value: Quota.Value, source: "applied" };
  } catch (error) {
    if (!(error instanceof Error && error.name === "NoSuchResourceException")) return { source: "unavailable", reason: reasonOf(error) };
  }
  try {
    const { Quota } = await client.send(new GetAWSDefaultServiceQuotaCommand({ ServiceCode: serviceCode, QuotaCode: quotaCode }));
    return Quota?.Value !== undefined ? { value: Quota.Value, source: "default" } : { source: "unavailable", reason: "Service Quotas returned no value" };
  } catch (error) {
    return { source: "unavailable", reason: reasonOf(error) };
  }
}

function reasonOf(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
