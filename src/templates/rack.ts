import { merge, type Template, type TemplateFragment } from "./cfn.js";
import { rackParametersFragment } from "./rack-parameters.js";
import { networkFragment } from "./rack-network.js";
import { balancersFragment } from "./rack-balancers.js";
import { transitGatewayFragment } from "./rack-transit-gateway.js";
import { dnsFragment } from "./rack-dns.js";
import { clusterFragment } from "./rack-cluster.js";
import { rackOutputs } from "./rack-outputs.js";
import { BUILD_INSTANCE_PARAMETER, buildFragment } from "./rack-build.js";
import { stampTemplateVersion } from "./rack-version.js";
import { RackOutput } from "../names/rack-outputs.js";

export { RackCondition, RackResource } from "./rack-ids.js";

export interface RackTemplateOptions {
  version: string;
  /** Fragments other modules contribute to the rack stack (the private-network sync function, ...). */
  extra?: TemplateFragment[];
  /**
   * The build project, its role and log group, and the BuildInstance parameter; false in a
   * Region without CodeBuild (src/rack/regions.ts), where the rack runs images only.
   */
  builds?: boolean;
  /** The builds' pull-through cache of ECR Public; false where ECR has no pull-through cache (src/rack/regions.ts). */
  baseImageCache?: boolean;
}

/**
 * The rack's one template. Every parameter value is expressed through Conditions, so
 * `rack params set` reuses the deployed template with new values. See docs/rack-template.md.
 */
export function rackTemplate(options: RackTemplateOptions): Template {
  const template: Template = {
    AWSTemplateFormatVersion: "2010-09-09",
    Description: `racknet rack ${options.version}: VPC, Fargate cluster, load balancers, private DNS`,
    Metadata: { RacknetVersion: options.version },
    Parameters: {},
    Conditions: {},
    Resources: {},
    Outputs: rackOutputs(),
  };
  const builds = options.builds ?? true;
  const merged = merge(
    template,
    rackParametersFragment(),
    networkFragment(),
    balancersFragment(),
    transitGatewayFragment(),
    dnsFragment(),
    clusterFragment(),
    ...(builds ? [buildFragment({ baseImageCache: options.baseImageCache ?? true })] : []),
    ...(options.extra ?? []),
  );
  if (!builds) {
    delete merged.Parameters[BUILD_INSTANCE_PARAMETER];
    delete merged.Outputs[RackOutput.BuildProject];
    delete merged.Outputs[RackOutput.BuildLogGroup];
  }
  if (!builds || options.baseImageCache === false) delete merged.Outputs[RackOutput.BaseImageCache];
  // Last: the version is a digest of everything above (rack-version.ts).
  return stampTemplateVersion(merged, options.version);
}
