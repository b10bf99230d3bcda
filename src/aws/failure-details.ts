/**
 * What a failed resource's own service says about the failure, added to the stack's diagnosis
 * (root cause first): an ECS service's stopped tasks and its failing container's last log
 * lines; a subnet's or VPC's network interfaces, when EC2 refused to delete it. Best effort:
 * a read that fails leaves the diagnosis as CloudFormation gave it.
 */
import type { EC2Client } from "@aws-sdk/client-ec2";
import type { Diagnosis } from "./diagnose.js";
import { explainServiceFailure, type EcsDiagnosisClients } from "./ecs-diagnosis.js";
import { describeHolder, networkInterfaces } from "./network-interfaces.js";
import type { StackActivity } from "./stack-events.js";

export interface FailureDetailClients extends Partial<EcsDiagnosisClients> {
  ec2?(): Promise<EC2Client>;
}

export async function failureDetails(clients: FailureDetailClients, diagnosis: Diagnosis): Promise<string[]> {
  const failures = [diagnosis.rootCause, ...diagnosis.otherFailures].filter((activity): activity is StackActivity => activity !== undefined);
  const lines: string[] = [];
  const explained = new Set<string>();
  for (const failure of failures) {
    const id = failure.physicalId ?? "";
    if (!id || explained.has(id)) continue;
    explained.add(id);
    try {
      lines.push(...(await explain(clients, failure, id)));
    } catch {
      // The diagnosis CloudFormation gave stands on its own.
    }
  }
  return lines;
}

async function explain(clients: FailureDetailClients, failure: StackActivity, id: string): Promise<string[]> {
  if (failure.resourceType === "AWS::ECS::Service" && hasEcs(clients)) return explainServiceFailure(clients, id);
  const subnet = failure.resourceType === "AWS::EC2::Subnet";
  // "The subnet 'subnet-…' has dependencies and cannot be deleted" (DependencyViolation).
  const refused = /dependenc/i.test(failure.reason ?? "");
  if ((subnet || failure.resourceType === "AWS::EC2::VPC") && refused && clients.ec2) {
    const holders = await networkInterfaces(await clients.ec2(), subnet ? { subnetIds: [id] } : { vpcId: id });
    if (holders.length === 0) return [];
    return [`${id} is still used by ${holders.length} network interface(s); run the command again once they are gone:`, ...holders.map((holder) => `  ${describeHolder(holder)}`)];
  }
  return [];
}

function hasEcs(clients: FailureDetailClients): clients is FailureDetailClients & EcsDiagnosisClients {
  return typeof clients.ecs === "function" && typeof clients.cloudWatchLogs === "function";
}
