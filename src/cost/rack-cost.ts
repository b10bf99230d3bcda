import { RackParam, isOn, type NatGatewaysValue, type RackParams } from "../rack/params.js";
import { hasS3GatewayEndpoint, interfaceEndpointCount, natGatewayCount, natGatewaysValue } from "../rack/egress.js";
import { hourlyLine, monthlyLine, priced, range, unpriced } from "./lines.js";
import type { CostEstimate, CostLine, UsageItem } from "./model.js";
import { pricesFor, type Prices } from "./prices.js";

/**
 * What a rack costs a month with these parameters: the things its template creates that
 * are billed by the hour or the month (src/templates/rack-*.ts), priced for the region.
 * Pure. Apps cost on top (app-cost.ts).
 */

export interface RackCostOptions {
  region: string;
  /** 2 or 3: NAT gateways and Elastic IPs by NatGateways, an interface per endpoint and one public address for the external ALB per AZ. */
  azCount: number;
  /** A customer managed KMS key of the rack's own (issue 14); absent or false: none. */
  customerManagedKey?: boolean;
}

export function rackCost(params: Readonly<RackParams>, options: RackCostOptions): CostEstimate {
  const prices = pricesFor(options.region);
  if (!prices) return unpriced(options.region);
  return priced(prices, rackLines(params, options, prices), rackUsage(params, options, prices));
}

function rackLines(params: Readonly<RackParams>, options: RackCostOptions, prices: Prices): CostLine[] {
  const { regional, global } = prices;
  const azs = options.azCount;
  const external = !isOn(params, RackParam.InternalOnly);
  const internal = isOn(params, RackParam.Internal);
  const router = isOn(params, RackParam.InternalRouter);
  const natCount = natGatewayCount(params, azs);
  const endpointInterfaces = interfaceEndpointCount(params) * azs;
  const balancers = [external, internal, router].filter(Boolean).length;
  // Every public IPv4 address is billed: the NAT gateways' Elastic IPs and the external ALB's
  // address in each AZ (at least one per AZ; an ALB may hold more while it scales).
  const publicAddresses = natCount + (external ? azs : 0);
  // <rack>.convox and the private-network zone always; <rack>.router.convox with the router.
  const zones = router ? 3 : 2;
  return [
    hourlyLine(prices, "nat-gateways", NAT_LINE[natGatewaysValue(params)], range(natCount), "NAT gateway", regional.natGatewayHour),
    // Free, and said so: a route to S3 on every private route table.
    monthlyLine("s3-gateway-endpoint", "S3 gateway endpoint (no charge)", range(hasS3GatewayEndpoint(params) ? 1 : 0), "gateway endpoint", 0),
    hourlyLine(prices, "vpc-endpoints", `VPC interface endpoints (${interfaceEndpointCount(params)} services × ${azs} zones)`, range(endpointInterfaces), "endpoint-zone", regional.vpcEndpointHour),
    hourlyLine(prices, "load-balancers", `Application load balancers (${balancerNames(external, internal, router)})`, range(balancers), "load balancer", regional.albHour),
    hourlyLine(prices, "rack-public-ipv4", "Public IPv4 addresses (NAT Elastic IPs, external load balancer)", range(publicAddresses), "address", global.publicIpv4Hour),
    monthlyLine("hosted-zones", "Route 53 private hosted zones", range(zones), "hosted zone", global.route53HostedZoneMonth),
    monthlyLine("kms-key", "KMS customer managed key", range(options.customerManagedKey ? 1 : 0), "key", global.kmsKeyMonth),
  ];
}

const NAT_LINE: Readonly<Record<NatGatewaysValue, string>> = {
  PerZone: "NAT gateways (one per AZ)",
  One: "NAT gateway (one, in the first AZ, for every AZ)",
  None: "NAT gateways (none: NatGateways=None)",
};

function balancerNames(external: boolean, internal: boolean, router: boolean): string {
  const names = [external ? "external" : "", internal ? "internal" : "", router ? "router" : ""].filter((name) => name !== "");
  return names.length === 0 ? "none" : names.join(", ");
}

function rackUsage(params: Readonly<RackParams>, options: RackCostOptions, prices: Prices): UsageItem[] {
  const { regional, usageOnly } = prices;
  const usage: UsageItem[] = [];
  const azs = options.azCount;
  if (natGatewayCount(params, azs) > 0) {
    const skipped = [hasS3GatewayEndpoint(params) ? "S3" : "", interfaceEndpointCount(params) > 0 ? "the endpoints' services" : ""].filter((item) => item !== "").join(" and ");
    usage.push({ key: "nat-data", item: `NAT gateway data processed (outbound traffic of private services${skipped ? `, except to ${skipped}` : ""})`, unitPrice: regional.natGatewayGb, unit: "GB" });
  }
  if (natGatewaysValue(params) === "One" && natGatewayCount(params, azs) > 0 && azs > 1) {
    usage.push({ key: "nat-cross-zone", item: "Data transfer between zones: the other zones' outbound traffic to the one NAT gateway (NatGateways=One)", unitPrice: regional.interAzGb, unit: "GB each way" });
  }
  if (interfaceEndpointCount(params) > 0) {
    usage.push({ key: "vpc-endpoint-data", item: "VPC interface endpoints data processed (ECR, CloudWatch Logs, SSM, STS traffic)", unitPrice: regional.vpcEndpointGb, unit: "GB" });
  }
  usage.push({ key: "alb-lcu", item: "Load balancer capacity units (LCU) of each load balancer, by traffic", unitPrice: regional.albLcuHour, unit: "LCU-hour" });
  usage.push({ key: "privnet-lambda", item: "Lambda: the private-network sync function (per request and GB-second)", source: usageOnly.lambda });
  usage.push(logsUsage(prices));
  return usage;
}

export function logsUsage(prices: Prices): UsageItem {
  const item = "CloudWatch Logs ingestion and storage";
  const rate = prices.regional.logsIngestionGb;
  return rate === undefined ? { key: "logs", item, source: prices.usageOnly.cloudwatchLogs } : { key: "logs", item, unitPrice: rate, unit: "GB ingested" };
}
