import { describe, expect, it } from "vitest";
import { diagnose, recoveryFor } from "../../src/aws/diagnose.js";
import { toActivity, type StackActivity } from "../../src/aws/stack-events.js";

const STACK_ID = "arn:aws:cloudformation:us-east-1:123456789012:stack/racknet-prod/1";

/** Recorded-style events, oldest first: [logical id, type, status, reason]. */
function recorded(rows: Array<[string, string, string, string?]>): StackActivity[] {
  return rows.map(([logicalId, resourceType, status, reason], index) =>
    toActivity({
      EventId: `e${index}`,
      StackId: STACK_ID,
      StackName: "racknet-prod",
      LogicalResourceId: logicalId,
      PhysicalResourceId: resourceType === "AWS::CloudFormation::Stack" ? STACK_ID : `${logicalId}-phys`,
      ResourceType: resourceType,
      ResourceStatus: status as never,
      ResourceStatusReason: reason,
      Timestamp: new Date(Date.UTC(2025, 0, 1, 0, 0, index)),
    }),
  );
}

const S = "AWS::CloudFormation::Stack";

describe("diagnose", () => {
  it("a failed create: the first real failure is the root cause, not the cancellations that follow", () => {
    const events = recorded([
      ["racknet-prod", S, "CREATE_IN_PROGRESS", "User Initiated"],
      ["Vpc", "AWS::EC2::VPC", "CREATE_COMPLETE"],
      ["Cluster", "AWS::ECS::Cluster", "CREATE_IN_PROGRESS"],
      ["InternalBalancer", "AWS::ElasticLoadBalancingV2::LoadBalancer", "CREATE_IN_PROGRESS"],
      ["InternalListener", "AWS::ElasticLoadBalancingV2::Listener", "CREATE_FAILED", "Certificate 'arn:aws:acm:us-east-1:1:certificate/x' not found (Service: ElasticLoadBalancingV2, Status Code: 400)"],
      ["Cluster", "AWS::ECS::Cluster", "CREATE_FAILED", "Resource creation cancelled"],
      ["InternalBalancer", "AWS::ElasticLoadBalancingV2::LoadBalancer", "CREATE_FAILED", "Resource creation cancelled"],
      ["racknet-prod", S, "ROLLBACK_IN_PROGRESS", "The following resource(s) failed to create: [Cluster, InternalBalancer, InternalListener]. Rollback requested by user."],
      ["Vpc", "AWS::EC2::VPC", "DELETE_COMPLETE"],
      ["racknet-prod", S, "ROLLBACK_COMPLETE"],
    ]);
    const diagnosis = diagnose(events, { name: "racknet-prod", status: "ROLLBACK_COMPLETE" });
    expect(diagnosis.rootCause?.logicalId).toBe("InternalListener");
    expect(diagnosis.otherFailures).toEqual([]);
    expect(diagnosis.cancelled).toBe(2);
    expect(diagnosis.recovery).toContain("aws cloudformation delete-stack --stack-name racknet-prod");
    // Where racknet has the command that removes the stack with what it made around it, that is named instead.
    const withCommand = diagnose(events, { name: "racknet-prod", status: "ROLLBACK_COMPLETE" }, "racknet rack uninstall prod");
    expect(withCommand.recovery).toBe("delete it with `racknet rack uninstall prod`, fix the cause, then run the command again");
  });

  it("a failed update: root cause first, other real failures after, 'update cancelled' ignored", () => {
    const events = recorded([
      ["racknet-prod", S, "UPDATE_IN_PROGRESS", "User Initiated"],
      ["NatGateway0", "AWS::EC2::NatGateway", "CREATE_IN_PROGRESS"],
      ["NatGateway0", "AWS::EC2::NatGateway", "CREATE_FAILED", "The maximum number of addresses has been reached."],
      ["Web", "AWS::ECS::Service", "UPDATE_FAILED", "Resource update cancelled"],
      ["NatGateway1", "AWS::EC2::NatGateway", "CREATE_FAILED", "The maximum number of addresses has been reached."],
      ["racknet-prod", S, "UPDATE_ROLLBACK_IN_PROGRESS", "The following resource(s) failed to create: [NatGateway0, NatGateway1]."],
      ["racknet-prod", S, "UPDATE_ROLLBACK_COMPLETE"],
    ]);
    const diagnosis = diagnose(events, { name: "racknet-prod", status: "UPDATE_ROLLBACK_COMPLETE" });
    expect(diagnosis.rootCause?.logicalId).toBe("NatGateway0");
    expect(diagnosis.otherFailures.map((activity) => activity.logicalId)).toEqual(["NatGateway1"]);
    expect(diagnosis.cancelled).toBe(1);
    expect(diagnosis.state).toContain("the previous version is running");
  });

  it("a rollback that fails too: continue-update-rollback", () => {
    const events = recorded([
      ["racknet-prod", S, "UPDATE_IN_PROGRESS"],
      ["Subnet", "AWS::EC2::Subnet", "UPDATE_FAILED", "The subnet 'subnet-1' has dependencies and cannot be deleted."],
      ["racknet-prod", S, "UPDATE_ROLLBACK_IN_PROGRESS"],
      ["Service", "AWS::ECS::Service", "UPDATE_FAILED", "Service was not ACTIVE."],
      ["racknet-prod", S, "UPDATE_ROLLBACK_FAILED", "The following resource(s) failed to update: [Service]."],
    ]);
    const diagnosis = diagnose(events, { name: "racknet-prod", status: "UPDATE_ROLLBACK_FAILED" });
    expect(diagnosis.rootCause?.logicalId).toBe("Subnet");
    expect(diagnosis.otherFailures.map((activity) => activity.logicalId)).toEqual(["Service"]);
    expect(diagnosis.recovery).toContain("aws cloudformation continue-update-rollback --stack-name racknet-prod");
  });

  it("no resource failure in the events: the stack's own reason", () => {
    const events = recorded([
      ["racknet-prod", S, "UPDATE_IN_PROGRESS", "User Initiated"],
      ["racknet-prod", S, "UPDATE_ROLLBACK_IN_PROGRESS", "Parameter validation failed: parameter value sg-1 does not exist"],
      ["racknet-prod", S, "UPDATE_ROLLBACK_COMPLETE"],
    ]);
    const diagnosis = diagnose(events, { name: "racknet-prod", status: "UPDATE_ROLLBACK_COMPLETE" });
    expect(diagnosis.rootCause).toBeUndefined();
    expect(diagnosis.statusReason).toBe("Parameter validation failed: parameter value sg-1 does not exist");
  });

  it("a failed delete: which resource held it", () => {
    const events = recorded([
      ["racknet-prod", S, "DELETE_IN_PROGRESS", "User Initiated"],
      ["Vpc", "AWS::EC2::VPC", "DELETE_FAILED", "The vpc 'vpc-1' has dependencies and cannot be deleted."],
      ["racknet-prod", S, "DELETE_FAILED", "The following resource(s) failed to delete: [Vpc]."],
    ]);
    const diagnosis = diagnose(events, { name: "racknet-prod", status: "DELETE_FAILED" });
    expect(diagnosis.rootCause?.reason).toContain("has dependencies");
    expect(diagnosis.state).toContain("could not be deleted");
  });

  it("recoveryFor names a command for every stuck status", () => {
    for (const status of ["ROLLBACK_COMPLETE", "ROLLBACK_FAILED", "UPDATE_ROLLBACK_FAILED", "UPDATE_FAILED", "DELETE_FAILED", "IMPORT_ROLLBACK_FAILED"]) {
      expect(recoveryFor(status, "s").recovery).toMatch(/aws cloudformation [a-z-]+ --stack-name s/);
    }
  });
});
