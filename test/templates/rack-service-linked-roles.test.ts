/**
 * Issue 9, item 1. An account that never used ECS has no AWSServiceRoleForECS. CreateCluster
 * "attempts to create the Amazon ECS service-linked role" (ECS API Reference, CreateCluster),
 * but associating the FARGATE and FARGATE_SPOT capacity providers in the same call needs the
 * role already, so the first install failed with "Unable to assume the service linked role"
 * (aws-cloudformation/cloudformation-coverage-roadmap#818). Elastic Load Balancing "creates
 * this role for you when you create a load balancer or a target group" (ELB User Guide,
 * "Elastic Load Balancing service-linked role"). The rack must use nothing that needs a
 * service-linked role to exist before the call that creates it.
 */
import { describe, expect, it } from "vitest";
import type { Resource } from "../../src/templates/cfn.js";
import { combinations, fullTemplate, rack } from "./rack-fixture.js";

/** Every resource type the rack uses, and what it needs of service-linked roles (docs/rack-template.md). */
const SERVICE_LINKED_ROLES: Record<string, string> = {
  "AWS::ECS::Cluster": "CreateCluster creates AWSServiceRoleForECS; capacity providers need it to exist already",
  "AWS::ElasticLoadBalancingV2::LoadBalancer": "CreateLoadBalancer creates AWSServiceRoleForElasticLoadBalancing",
  "AWS::ElasticLoadBalancingV2::Listener": "uses the load balancer's role, created with the load balancer",
  "AWS::ElasticLoadBalancingV2::ListenerCertificate": "uses the load balancer's role, created with the load balancer",
  "AWS::EC2::VPC": "none",
  "AWS::EC2::Subnet": "none",
  "AWS::EC2::InternetGateway": "none",
  "AWS::EC2::VPCGatewayAttachment": "none",
  "AWS::EC2::RouteTable": "none",
  "AWS::EC2::Route": "none",
  "AWS::EC2::SubnetRouteTableAssociation": "none",
  "AWS::EC2::EIP": "none",
  "AWS::EC2::NatGateway": "none",
  "AWS::EC2::SecurityGroup": "none",
  "AWS::EC2::SecurityGroupIngress": "none",
  "AWS::EC2::VPCEndpoint": "none",
  "AWS::Route53::HostedZone": "none",
  "AWS::IAM::Role": "none",
  "AWS::Logs::LogGroup": "none",
  "AWS::S3::Bucket": "none",
  "AWS::S3::BucketPolicy": "none",
  "AWS::Lambda::Function": "none",
  "AWS::Lambda::Permission": "none",
  "AWS::Events::Rule": "none",
  "AWS::SSM::Parameter": "none",
  // https://docs.aws.amazon.com/AmazonECR/latest/userguide/using-service-linked-roles.html: "After you configure ... pull through cache ..., a service-linked role is created automatically".
  "AWS::ECR::PullThroughCacheRule": "CreatePullThroughCacheRule creates AWSServiceRoleForECRPullThroughCache",
  // https://docs.aws.amazon.com/vpc/latest/tgw/service-linked-roles.html: "You don't need to manually create a service-linked role": creating a transit gateway VPC attachment creates it.
  "AWS::EC2::TransitGatewayAttachment": "CreateTransitGatewayVpcAttachment creates AWSServiceRoleForVPCTransitGateway",
  // CodeBuild acts as the project's own service role (BuildRole), also for its network interfaces in a VPC.
  "AWS::CodeBuild::Project": "none",
};

/** Properties and types that need a service-linked role to exist before the call is made. */
function needsExistingRole(id: string, resource: Resource): string | undefined {
  if (resource.Type === "AWS::ECS::Cluster") {
    const properties = resource.Properties ?? {};
    for (const property of ["CapacityProviders", "DefaultCapacityProviderStrategy"]) {
      if (property in properties) return `${id}.${property} needs AWSServiceRoleForECS to exist already`;
    }
  }
  if (resource.Type === "AWS::ECS::ClusterCapacityProviderAssociations" || resource.Type === "AWS::ECS::CapacityProvider") {
    return `${id} (${resource.Type}) needs AWSServiceRoleForECS to exist already`;
  }
  return undefined;
}

describe("service-linked roles (the first install in an account that never used ECS or ELB)", () => {
  it("every resource type of the template has been checked for the service-linked roles it needs", () => {
    const types = new Set(Object.values(fullTemplate.Resources).map((resource) => resource.Type));
    expect([...types].filter((type) => !(type in SERVICE_LINKED_ROLES)).sort()).toEqual([]);
  });

  it("no resource, in any combination of parameters, needs a service-linked role that the same install has not created yet", () => {
    for (const { label, params } of combinations()) {
      const stack = rack(params, 3, {}, fullTemplate);
      const problems = Object.entries(stack.resources).flatMap(([id, resource]) => needsExistingRole(id, resource) ?? []);
      expect(problems, label).toEqual([]);
    }
  });
});
