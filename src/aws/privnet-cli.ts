import type { ECSClient } from "@aws-sdk/client-ecs";
import type { Route53Client } from "@aws-sdk/client-route-53";
import type { PrivateNetworkIo } from "../privnet/sync.js";
import { privateNetworkIo, type PrivateNetworkTarget } from "./privnet-io.js";
import { sdk } from "./sdk.js";

/**
 * The CLI's private-network reads and writes, with the SDK's modules loaded lazily
 * (src/aws/sdk.ts). Apart from privnet-io.ts so the in-rack function's bundle never pulls
 * the CLI's loader in.
 */
export function privateNetworkIoFor(clients: { ecs: ECSClient; route53: Route53Client }, target: PrivateNetworkTarget): PrivateNetworkIo {
  return privateNetworkIo({ ...clients, ecsModule: sdk.ecs(), route53Module: sdk.route53() }, target);
}
