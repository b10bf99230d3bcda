import "aws-sdk-client-mock-vitest/extend";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DeleteStackCommand, DescribeStackEventsCommand, DescribeStacksCommand, ListStackResourcesCommand } from "@aws-sdk/client-cloudformation";
import { deleteStack } from "../../src/aws/delete-stack.js";
import { AwsOperationFailed, ExitCode, Interrupted, UserError } from "../../src/errors/index.js";
import { STACK, STACK_ID, event, harness, newestFirst, notFound, stack, stackEvent, type Harness } from "./changeset-harness.js";


let h: Harness;
const before = [stackEvent("CREATE_IN_PROGRESS", "User Initiated"), stackEvent("CREATE_COMPLETE")];

function deletable(h: Harness): void {
  h.cfn.on(DescribeStacksCommand, { StackName: STACK }).resolves(stack("UPDATE_COMPLETE"));
  h.cfn.on(ListStackResourcesCommand).resolves({
    StackResourceSummaries: [
      { LogicalResourceId: "Vpc", ResourceType: "AWS::EC2::VPC", ResourceStatus: "CREATE_COMPLETE", LastUpdatedTimestamp: new Date() },
      { LogicalResourceId: "ExternalBalancer", ResourceType: "AWS::ElasticLoadBalancingV2::LoadBalancer", ResourceStatus: "CREATE_COMPLETE", LastUpdatedTimestamp: new Date() },
      { LogicalResourceId: "NatGateway0", ResourceType: "AWS::EC2::NatGateway", ResourceStatus: "CREATE_COMPLETE", LastUpdatedTimestamp: new Date() },
    ],
  });
  h.cfn.on(DeleteStackCommand).resolves({});
  const during = [stackEvent("DELETE_IN_PROGRESS", "User Initiated"), event("Vpc", "DELETE_COMPLETE", "AWS::EC2::VPC"), stackEvent("DELETE_COMPLETE")];
  h.cfn.on(DescribeStackEventsCommand).resolvesOnce(newestFirst(before)).resolves(newestFirst([...before, ...during]));
  h.cfn.on(DescribeStacksCommand, { StackName: STACK_ID }).resolvesOnce(stack("DELETE_IN_PROGRESS")).resolves(stack("DELETE_COMPLETE"));
}

beforeEach(() => {
  h = harness();
});
afterEach(() => h.cfn.restore());

describe("deleteStack", () => {
  it("shows every resource as Remove, deletes by stack id and follows the events to DELETE_COMPLETE", async () => {
    deletable(h);
    await deleteStack(h.context.aws, STACK, { ...h.options({ destructiveByName: true }), retainNote: "the rack's CA is removed after the stack" });
    expect(h.cfn).toHaveReceivedCommandWith(DeleteStackCommand, { StackName: STACK_ID });
    const err = h.stderr();
    expect(err).toMatch(/Remove !\s+Vpc\s+AWS::EC2::VPC/);
    // A NAT gateway holds running work (issue 14): its removal is marked too.
    expect(err).toMatch(/Remove !\s+NatGateway0\s+AWS::EC2::NatGateway/);
    expect(err).toMatch(/Remove !\s+ExternalBalancer/);
    expect(err).toContain("load balancer ExternalBalancer will be deleted");
    expect(err).toContain("the rack's CA is removed after the stack");
    expect(err).toMatch(/DELETE_COMPLETE\s+AWS::EC2::VPC\s+Vpc/);
    // Events from before the delete are not replayed.
    expect(err).not.toMatch(/CREATE_COMPLETE\s+AWS::CloudFormation::Stack/);
    expect(err).toContain("rack prod: DELETE_COMPLETE");
  });

  it("a stack gone by id (DescribeStacks says it does not exist) counts as deleted", async () => {
    deletable(h);
    h.cfn.on(DescribeStacksCommand, { StackName: STACK_ID }).rejects(notFound(STACK_ID));
    await expect(deleteStack(h.context.aws, STACK, h.options({ destructiveByName: true }))).resolves.toMatchObject({ kind: "deleted" });
    expect(h.stderr()).toContain("rack prod: DELETE_COMPLETE");
  });

  it("--dry-run shows what would go and deletes nothing", async () => {
    deletable(h);
    await deleteStack(h.context.aws, STACK, h.options({ destructiveByName: true, dryRun: true }));
    expect(h.cfn).not.toHaveReceivedCommand(DeleteStackCommand);
    expect(h.stderr()).toContain("dry run");
  });

  it("without a terminal and without --yes: refused naming --yes, nothing deleted", async () => {
    deletable(h);
    const error = (await deleteStack(h.context.aws, STACK, h.options({ destructiveByName: true, yes: false })).catch((caught: unknown) => caught)) as UserError;
    expect(error).toBeInstanceOf(UserError);
    expect(error.exitCode).toBe(ExitCode.refused);
    expect(`${error.message} ${error.fix}`).toContain("--yes");
    expect(h.cfn).not.toHaveReceivedCommand(DeleteStackCommand);
  });

  it("asks on a terminal, with the load balancer's removal in the question", async () => {
    deletable(h);
    h.user.answer(false);
    const error = await deleteStack(h.context.aws, STACK, h.options({ destructiveByName: true, yes: false, canPrompt: true })).catch((caught: unknown) => caught);
    expect((error as Error).message).toBe("cancelled; nothing changed");
    expect(h.user.questions[0]).toBe("Delete rack prod? This destroys: 1 VPC, 1 load balancer and 1 NAT gateway.");
    expect(h.cfn).not.toHaveReceivedCommand(DeleteStackCommand);
  });

  it("DELETE_FAILED: the root cause first, exit 3", async () => {
    deletable(h);
    const failed = [
      stackEvent("DELETE_IN_PROGRESS", "User Initiated"),
      event("Vpc", "DELETE_FAILED", "AWS::EC2::VPC", "The vpc 'vpc-1' has dependencies and cannot be deleted."),
      stackEvent("DELETE_FAILED", "The following resource(s) failed to delete: [Vpc]."),
    ];
    h.cfn.on(DescribeStackEventsCommand).resolvesOnce(newestFirst(before)).resolves(newestFirst([...before, ...failed]));
    h.cfn.on(DescribeStacksCommand, { StackName: STACK_ID }).resolves(stack("DELETE_FAILED"));
    const error = (await deleteStack(h.context.aws, STACK, h.options({ destructiveByName: true })).catch((caught: unknown) => caught)) as AwsOperationFailed;
    expect(error).toBeInstanceOf(AwsOperationFailed);
    expect(error.exitCode).toBe(ExitCode.awsFailed);
    expect(error.message).toContain("has dependencies");
    expect(h.stderr()).toContain("root cause: Vpc (AWS::EC2::VPC) DELETE_FAILED");
  });

  it("Ctrl-C while deleting: the deletion continues in AWS (exit 130)", async () => {
    deletable(h);
    h.cfn.on(DescribeStacksCommand, { StackName: STACK_ID }).callsFake(() => {
      process.emit("SIGINT");
      return stack("DELETE_IN_PROGRESS");
    });
    const error = (await deleteStack(h.context.aws, STACK, h.options({ destructiveByName: true })).catch((caught: unknown) => caught)) as Interrupted;
    expect(error).toBeInstanceOf(Interrupted);
    expect(error.message).toContain("continues in AWS");
  });

  it("refuses a stack with an operation in progress", async () => {
    h.cfn.on(DescribeStacksCommand, { StackName: STACK }).resolves(stack("UPDATE_IN_PROGRESS"));
    const error = (await deleteStack(h.context.aws, STACK, h.options({ destructiveByName: true })).catch((caught: unknown) => caught)) as UserError;
    expect(error.exitCode).toBe(ExitCode.refused);
    expect(error.message).toContain("UPDATE_IN_PROGRESS");
  });

  it("a stack that does not exist: nothing to delete, nothing sent", async () => {
    h.cfn.on(DescribeStacksCommand, { StackName: STACK }).rejects(notFound());
    await expect(deleteStack(h.context.aws, STACK, h.options({ destructiveByName: true }))).resolves.toEqual({ kind: "absent" });
    expect(h.cfn).not.toHaveReceivedCommand(DeleteStackCommand);
  });
});
