/**
 * Everything racknet takes from @aws-sdk/client-ec2. The build (scripts/build-bundle.mjs)
 * bundles only these into dist/aws/client-ec2-lite.cjs, which the built CLI loads instead of
 * the package: the package is one 2 MB module (every EC2 command and shape) that costs about
 * 0.25 s of CPU to load, and install reads EC2 on every run. test/unit/ec2-exports.test.ts
 * checks that every name the source takes from `sdk.ec2()` is listed here.
 */
export const EC2_EXPORTS = [
  "EC2Client",
  "DeleteSubnetCommand",
  "DescribeAddressesCommand",
  "DescribeAvailabilityZonesCommand",
  "DescribeRegionsCommand",
  "DescribeSubnetsCommand",
  "DescribeTransitGatewaysCommand",
  "DescribeVpcAttributeCommand",
  "DescribeVpcPeeringConnectionsCommand",
  "DescribeVpcsCommand",
  "paginateDescribeInternetGateways",
  "paginateDescribeNatGateways",
  "paginateDescribeNetworkInterfaces",
  "paginateDescribeRouteTables",
  "paginateDescribeSecurityGroupRules",
  "paginateDescribeSubnets",
  "paginateDescribeVpcEndpoints",
  "paginateDescribeVpcPeeringConnections",
  "paginateDescribeVpcs",
] as const;

/** The file the build writes next to dist/aws/sdk.js. */
export const EC2_LITE_FILE = "./client-ec2-lite.cjs";
