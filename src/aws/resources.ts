import type { CloudFormationClient } from "@aws-sdk/client-cloudformation";
import type { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { sdk } from "./sdk.js";

/**
 * The direct calls of `racknet resources` (issue 29): the app stack's resources as
 * CloudFormation reports them, and one secret's value for `--reveal`. Never prints.
 */

export interface StackResourceState {
  physicalId?: string;
  status: string;
  reason?: string;
}

/** Every resource of the stack by logical id: its physical id and status (deleted ones left out). */
export async function stackResourceStates(cfn: CloudFormationClient, stackName: string): Promise<Map<string, StackResourceState>> {
  const { paginateListStackResources } = sdk.cloudFormation();
  const states = new Map<string, StackResourceState>();
  for await (const page of paginateListStackResources({ client: cfn }, { StackName: stackName })) {
    for (const resource of page.StackResourceSummaries ?? []) {
      if (!resource.LogicalResourceId || resource.ResourceStatus === "DELETE_COMPLETE") continue;
      states.set(resource.LogicalResourceId, {
        ...(resource.PhysicalResourceId ? { physicalId: resource.PhysicalResourceId } : {}),
        status: resource.ResourceStatus ?? "UNKNOWN",
        ...(resource.ResourceStatusReason ? { reason: resource.ResourceStatusReason } : {}),
      });
    }
  }
  return states;
}

/** A secret's current string (the caller decides whether it may be shown). */
export async function secretString(client: SecretsManagerClient, secretId: string): Promise<string | undefined> {
  const { GetSecretValueCommand } = sdk.secretsManager();
  const answer = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
  return answer.SecretString;
}
