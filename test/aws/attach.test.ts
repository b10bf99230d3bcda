import "aws-sdk-client-mock-vitest/extend";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DescribeStackEventsCommand, DescribeStacksCommand } from "@aws-sdk/client-cloudformation";
import { attachToStack } from "../../src/aws/changeset/attach.js";
import { AwsOperationFailed, ExitCode, Interrupted } from "../../src/errors/index.js";
import { STACK, event, harness, newestFirst, stack, stackEvent, type Harness } from "./changeset-harness.js";

/** Attaching to an operation in progress (`racknet apps wait`, `racknet rack wait`): the way back in after Ctrl-C. */

let h: Harness;
beforeEach(() => {
  h = harness();
});
afterEach(() => {
  h.cfn.restore();
  h.s3.restore();
  h.ec2.restore();
  h.ecs.restore();
  h.logs.restore();
});

const options = () => h.options({ followCommand: "racknet rack wait -r prod" });

describe("attachToStack", () => {
  it("follows an update in progress from its start to its end, its earlier events included", async () => {
    const before = [stackEvent("UPDATE_COMPLETE")];
    const started = [stackEvent("UPDATE_IN_PROGRESS", "User Initiated"), event("NatGateway1", "CREATE_IN_PROGRESS", "AWS::EC2::NatGateway")];
    const later = [event("NatGateway1", "CREATE_COMPLETE", "AWS::EC2::NatGateway"), stackEvent("UPDATE_COMPLETE_CLEANUP_IN_PROGRESS"), stackEvent("UPDATE_COMPLETE")];
    h.cfn.on(DescribeStacksCommand).resolvesOnce(stack("UPDATE_IN_PROGRESS")).resolvesOnce(stack("UPDATE_IN_PROGRESS")).resolves(stack("UPDATE_COMPLETE"));
    h.cfn.on(DescribeStackEventsCommand).resolvesOnce(newestFirst([...before, ...started])).resolvesOnce(newestFirst([...before, ...started])).resolves(newestFirst([...before, ...started, ...later]));
    const attached = await attachToStack(h.context.aws, STACK, options());
    expect(attached).toMatchObject({ kind: "followed", status: "UPDATE_COMPLETE" });
    const stderr = h.stderr();
    expect(stderr).toContain("updating rack prod (stack racknet-prod)");
    expect(stderr).toContain("CREATE_IN_PROGRESS  AWS::EC2::NatGateway  NatGateway1");
    expect(stderr).toContain("CREATE_COMPLETE  AWS::EC2::NatGateway  NatGateway1");
    expect(stderr).toMatch(/rack prod: UPDATE_COMPLETE in/);
    expect(h.cfn).toHaveReceivedCommandWith(DescribeStacksCommand, { StackName: STACK });
  });

  it("nothing in progress: says so, follows nothing", async () => {
    h.cfn.on(DescribeStacksCommand).resolves(stack("UPDATE_COMPLETE"));
    expect(await attachToStack(h.context.aws, STACK, options())).toEqual({ kind: "idle", status: "UPDATE_COMPLETE" });
    expect(h.cfn).not.toHaveReceivedCommand(DescribeStackEventsCommand);
  });

  it("an operation that rolls back ends in exit 3 with its root cause", async () => {
    const started = [stackEvent("UPDATE_IN_PROGRESS", "User Initiated"), event("Balancer", "UPDATE_FAILED", "AWS::ElasticLoadBalancingV2::LoadBalancer", "quota exceeded"), stackEvent("UPDATE_ROLLBACK_IN_PROGRESS"), stackEvent("UPDATE_ROLLBACK_COMPLETE")];
    h.cfn.on(DescribeStacksCommand).resolvesOnce(stack("UPDATE_ROLLBACK_IN_PROGRESS")).resolves(stack("UPDATE_ROLLBACK_COMPLETE"));
    h.cfn.on(DescribeStackEventsCommand).resolves(newestFirst(started));
    const error = (await attachToStack(h.context.aws, STACK, options()).catch((caught: unknown) => caught)) as AwsOperationFailed;
    expect(error).toBeInstanceOf(AwsOperationFailed);
    expect(error.exitCode).toBe(ExitCode.awsFailed);
    expect(error.message).toContain("Balancer: quota exceeded");
  });

  it("an update that already rolled back when racknet comes back: exit 3 with its root cause, as if followed", async () => {
    const before = [stackEvent("UPDATE_IN_PROGRESS", "User Initiated"), stackEvent("UPDATE_COMPLETE")];
    const last = [stackEvent("UPDATE_IN_PROGRESS", "User Initiated"), event("Balancer", "UPDATE_FAILED", "AWS::ElasticLoadBalancingV2::LoadBalancer", "quota exceeded"), stackEvent("UPDATE_ROLLBACK_IN_PROGRESS"), stackEvent("UPDATE_ROLLBACK_COMPLETE")];
    h.cfn.on(DescribeStacksCommand).resolves(stack("UPDATE_ROLLBACK_COMPLETE"));
    h.cfn.on(DescribeStackEventsCommand).resolves(newestFirst([...before, ...last]));
    const error = (await attachToStack(h.context.aws, STACK, options()).catch((caught: unknown) => caught)) as AwsOperationFailed;
    expect(error).toBeInstanceOf(AwsOperationFailed);
    expect(error.exitCode).toBe(ExitCode.awsFailed);
    expect(error.message).toContain("the update of rack prod failed (UPDATE_ROLLBACK_COMPLETE): Balancer: quota exceeded");
    expect(h.stderr()).toContain("root cause: Balancer (AWS::ElasticLoadBalancingV2::LoadBalancer) UPDATE_FAILED: quota exceeded");
  });

  it("a creation that already rolled back: exit 3, its root cause and the way out", async () => {
    const last = [stackEvent("CREATE_IN_PROGRESS", "User Initiated"), event("LogGroup", "CREATE_FAILED", "AWS::Logs::LogGroup", "already exists"), stackEvent("ROLLBACK_IN_PROGRESS"), stackEvent("ROLLBACK_COMPLETE")];
    h.cfn.on(DescribeStacksCommand).resolves(stack("ROLLBACK_COMPLETE"));
    h.cfn.on(DescribeStackEventsCommand).resolves(newestFirst(last));
    const error = (await attachToStack(h.context.aws, STACK, h.options({ followCommand: "racknet rack wait -r prod", removeCommand: "racknet rack uninstall prod" })).catch((caught: unknown) => caught)) as AwsOperationFailed;
    expect(error).toBeInstanceOf(AwsOperationFailed);
    expect(error.message).toContain("the create of rack prod failed (ROLLBACK_COMPLETE): LogGroup: already exists");
    expect(error.fix).toContain("racknet rack uninstall prod");
  });

  it("Ctrl-C while attached stops the watching again, and names the command that attaches", async () => {
    h.cfn.on(DescribeStacksCommand).resolvesOnce(stack("UPDATE_IN_PROGRESS")).callsFake(() => {
      process.emit("SIGINT");
      return stack("UPDATE_IN_PROGRESS");
    });
    h.cfn.on(DescribeStackEventsCommand).resolves(newestFirst([stackEvent("UPDATE_IN_PROGRESS", "User Initiated")]));
    const error = (await attachToStack(h.context.aws, STACK, options()).catch((caught: unknown) => caught)) as Interrupted;
    expect(error).toBeInstanceOf(Interrupted);
    expect(error.message).toContain("the update of rack prod continues in AWS");
    expect(error.fix).toBe("follow it to its end with `racknet rack wait -r prod`");
  });
});

