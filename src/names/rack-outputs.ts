/**
 * The rack stack's Output names, in one place: what it offers the rest of racknet (read by
 * `racknet rack` and the workflows, passed to every app stack as parameters of the same names).
 * The rack template (src/templates/rack-outputs.ts) defines each of these; every reader reads
 * `outputs[RackOutput.X]`, never a spelling of its own (test/unit/names-one-home.test.ts).
 */
export const RackOutput = {
  VpcId: "VpcId",
  VpcCidr: "VpcCidr",
  PublicSubnets: "PublicSubnets",
  /** Comma-separated; only when Private=Yes. */
  PrivateSubnets: "PrivateSubnets",
  /** Where services run: the private subnets when Private=Yes, else the public ones. */
  ServiceSubnets: "ServiceSubnets",
  /** ENABLED on a public rack, DISABLED on a private one. */
  AssignPublicIp: "AssignPublicIp",
  /** Comma-separated NAT Elastic IPs; only when Private=Yes. */
  NatElasticIps: "NatElasticIps",
  Cluster: "Cluster",
  NetworkSecurityGroup: "NetworkSecurityGroup",
  ExecutionRoleArn: "ExecutionRoleArn",
  LogGroup: "LogGroup",
  /** The rack's S3 bucket for templates over CloudFormation's inline limit (51,200 bytes). */
  TemplateBucket: "TemplateBucket",
  RackZoneId: "RackZoneId",
  ExternalLoadBalancerDns: "ExternalLoadBalancerDns",
  ExternalLoadBalancerZoneId: "ExternalLoadBalancerZoneId",
  ExternalListener: "ExternalListener",
  ExternalLoadBalancerSecurityGroup: "ExternalLoadBalancerSecurityGroup",
  InternalLoadBalancerDns: "InternalLoadBalancerDns",
  InternalLoadBalancerZoneId: "InternalLoadBalancerZoneId",
  InternalListener: "InternalListener",
  InternalLoadBalancerSecurityGroup: "InternalLoadBalancerSecurityGroup",
  RouterLoadBalancerDns: "RouterLoadBalancerDns",
  RouterLoadBalancerZoneId: "RouterLoadBalancerZoneId",
  RouterListener: "RouterListener",
  RouterLoadBalancerSecurityGroup: "RouterLoadBalancerSecurityGroup",
  RouterZoneId: "RouterZoneId",
  /** The `<pn-id>.private-network.internal` zone (section 5). */
  PrivateNetworkZoneId: "PrivateNetworkZoneId",
  PrivateNetworkZoneName: "PrivateNetworkZoneName",
  /** The CodeBuild project that builds `build:` services (docs/build.md). */
  BuildProject: "BuildProject",
  /** The CloudWatch Logs group of the builds' logs. */
  BuildLogGroup: "BuildLogGroup",
  /** The ECR repository prefix of the rack's pull-through cache of ECR Public, for builds' base images (docs/build.md). */
  BaseImageCache: "BaseImageCache",
  /** The rack template's version, `<racknet version>+<digest>` (rack-version.ts); absent on racks installed before it was recorded. */
  TemplateVersion: "TemplateVersion",
} as const;

export type RackOutputName = keyof typeof RackOutput;
export type RackOutputs = Partial<Record<RackOutputName, string>>;
