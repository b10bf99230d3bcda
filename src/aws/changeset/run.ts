import type { CloudFormationClient } from "@aws-sdk/client-cloudformation";
import type { Context } from "../../core/context.js";
import { DeployPrinter } from "../../ui/deploy-printer.js";
import type { DeployEvent } from "./events.js";
import { defaultPacing, type Pacing } from "./pacing.js";
import type { DeployOptions } from "./types.js";

/** What every step of one deploy or delete shares. */
export interface Run {
  context: Context;
  cfn: CloudFormationClient;
  pacing: Pacing;
  options: DeployOptions;
  emit: (event: DeployEvent) => void;
}

export async function startRun(context: Context, options: DeployOptions): Promise<Run> {
  const listener = options.listener ?? new DeployPrinter(context.printer).listener;
  return {
    context,
    cfn: await context.aws.cloudFormation(),
    pacing: options.pacing ?? defaultPacing,
    options,
    emit: listener,
  };
}
