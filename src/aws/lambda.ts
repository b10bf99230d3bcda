import type { LambdaClient } from "@aws-sdk/client-lambda";
import { sdk } from "./sdk.js";

/** The account's concurrency no function has reserved (GetAccountSettings). */
export async function unreservedConcurrency(lambda: LambdaClient): Promise<number> {
  const { GetAccountSettingsCommand } = sdk.lambda();
  const result = await lambda.send(new GetAccountSettingsCommand({}));
  return result.AccountLimit?.UnreservedConcurrentExecutions ?? 0;
}
