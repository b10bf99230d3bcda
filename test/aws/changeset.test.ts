import "aws-sdk-client-mock-vitest/extend";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  CreateChangeSetCommand,
  DeleteChangeSetCommand,
  DeleteStackCommand,
  DescribeChangeSetCommand,
  DescribeStackEventsCommand,
  DescribeStacksCommand,
  ExecuteChangeSetCommand,
  ListChangeSetsCommand,
  type Change,
} from "@aws-sdk/client-cloudformation";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { deployStack, type StackRequest } from "../../src/aws/changeset/deploy.js";
import { AwsOperationFailed, ExitCode, Interrupted, UserError } from "../../src/errors/index.js";
import { CHANGE_SET_ID, STACK, STACK_ID, event, harness, newestFirst, notFound, stack, stackEvent, type Harness } from "./changeset-harness.js";


const CREATED_AT = new Date("2025-02-01T00:00:00Z");

const request: StackRequest = {
  stackName: STACK,
  template: { body: '{"Resources":{}}' },
  parameters: { Private: "Yes", Internal: "No" },
  tags: { "racknet:kind": "rack" },
  capabilities: ["CAPABILITY_IAM"],
  notes: ["services run in the private subnets"],
};

function resource(action: string, logicalId: string, resourceType: string, replacement?: string): Change {
  return { Type: "Resource", ResourceChange: { Action: action as never, LogicalResourceId: logicalId, ResourceType: resourceType, Replacement: replacement as never } };
}

const NAT_CHANGES = [
  resource("Add", "NatGateway0", "AWS::EC2::NatGateway"),
  resource("Add", "NatGateway1", "AWS::EC2::NatGateway"),
  resource("Add", "NatGateway2", "AWS::EC2::NatGateway"),
  resource("Modify", "WebService", "AWS::ECS::Service", "False"),
];

/** An existing stack that updates cleanly. */
function updatable(h: Harness, changes: Change[] = NAT_CHANGES): void {
  h.cfn.on(DescribeStacksCommand, { StackName: STACK }).resolves(stack("UPDATE_COMPLETE"));
  h.cfn.on(ListChangeSetsCommand).resolves({ Summaries: [] });
  h.cfn.on(CreateChangeSetCommand).resolves({ Id: CHANGE_SET_ID, StackId: STACK_ID });
  h.cfn
    .on(DescribeChangeSetCommand)
    .resolvesOnce({ Status: "CREATE_PENDING" })
    .resolvesOnce({ Status: "CREATE_IN_PROGRESS" })
    .resolves({ Status: "CREATE_COMPLETE", ExecutionStatus: "AVAILABLE", CreationTime: CREATED_AT, Changes: changes });
  h.cfn.on(DeleteChangeSetCommand).resolves({});
  h.cfn.on(ExecuteChangeSetCommand).resolves({});
  const events = [stackEvent("UPDATE_IN_PROGRESS", "User Initiated"), event("WebService", "UPDATE_IN_PROGRESS", "AWS::ECS::Service"), event("WebService", "UPDATE_COMPLETE", "AWS::ECS::Service"), stackEvent("UPDATE_COMPLETE")];
  h.cfn.on(DescribeStacksCommand, { StackName: STACK_ID }).resolvesOnce(stack("UPDATE_IN_PROGRESS")).resolves(stack("UPDATE_COMPLETE"));
  h.cfn.on(DescribeStackEventsCommand).resolvesOnce(newestFirst(events.slice(0, 2))).resolves(newestFirst(events));
}

let h: Harness;
beforeEach(() => {
  h = harness();
});
afterEach(() => {
  h.cfn.restore();
  h.s3.restore();
});

describe("deployStack: create and update", () => {
  it("creates a stack that does not exist through a CREATE change set, then follows its events", async () => {
    h.cfn.on(DescribeStacksCommand, { StackName: STACK }).rejects(notFound());
    h.cfn.on(CreateChangeSetCommand).resolves({ Id: CHANGE_SET_ID, StackId: STACK_ID });
    h.cfn.on(ListChangeSetsCommand).resolves({ Summaries: [] });
    h.cfn.on(DescribeChangeSetCommand).resolves({ Status: "CREATE_COMPLETE", CreationTime: CREATED_AT, Changes: [resource("Add", "Vpc", "AWS::EC2::VPC")] });
    h.cfn.on(ExecuteChangeSetCommand).resolves({});
    const events = [stackEvent("CREATE_IN_PROGRESS", "User Initiated"), event("Vpc", "CREATE_IN_PROGRESS", "AWS::EC2::VPC"), event("Vpc", "CREATE_COMPLETE", "AWS::EC2::VPC"), stackEvent("CREATE_COMPLETE")];
    h.cfn.on(DescribeStacksCommand, { StackName: STACK_ID }).resolvesOnce(stack("CREATE_IN_PROGRESS")).resolves(stack("CREATE_COMPLETE"));
    h.cfn.on(DescribeStackEventsCommand).resolves(newestFirst(events));

    const outcome = await deployStack(h.context.aws, request, h.options());

    expect(outcome.kind).toBe("applied");
    expect(outcome.kind === "applied" && outcome.stack.status).toBe("CREATE_COMPLETE");
    expect(h.cfn).toHaveReceivedCommandWith(CreateChangeSetCommand, {
      StackName: STACK,
      ChangeSetType: "CREATE",
      TemplateBody: '{"Resources":{}}',
      Parameters: [{ ParameterKey: "Private", ParameterValue: "Yes" }, { ParameterKey: "Internal", ParameterValue: "No" }],
      Tags: [{ Key: "racknet:kind", Value: "rack" }],
      Capabilities: ["CAPABILITY_IAM"],
      Description: "racknet: rack prod",
    });
    const name = h.cfn.commandCalls(CreateChangeSetCommand)[0]?.args[0].input.ChangeSetName ?? "";
    expect(name).toMatch(/^racknet-\d{8}T\d{9}Z$/);
    expect(h.cfn).toHaveReceivedCommandWith(ExecuteChangeSetCommand, { ChangeSetName: CHANGE_SET_ID });
    expect(h.cfn).not.toHaveReceivedCommand(DeleteChangeSetCommand);
    // CI: one line per stack event, each once.
    expect(h.stderr().match(/CREATE_COMPLETE\s+AWS::EC2::VPC\s+Vpc/g)).toHaveLength(1);
    expect(h.stderr()).toContain("rack prod: CREATE_COMPLETE");
  });

  it("on a terminal, progress is compact: resources that finished or failed, with a count; no IN_PROGRESS lines", async () => {
    const tty = harness({ interactive: true });
    updatable(tty);
    await deployStack(tty.context.aws, request, tty.options({ yes: true }));
    const err = tty.stderr();
    expect(err).toMatch(/\[1\] UPDATE_COMPLETE\s+AWS::ECS::Service\s+WebService/);
    expect(err).not.toMatch(/UPDATE_IN_PROGRESS\s+AWS::ECS::Service/);
    tty.cfn.restore();
    tty.s3.restore();
  });

  it("a REVIEW_IN_PROGRESS stack (an abandoned create) gets a CREATE change set again", async () => {
    updatable(h);
    h.cfn.on(DescribeStacksCommand, { StackName: STACK }).resolves(stack("REVIEW_IN_PROGRESS"));
    await deployStack(h.context.aws, request, h.options({ dryRun: true }));
    expect(h.cfn).toHaveReceivedCommandWith(CreateChangeSetCommand, { ChangeSetType: "CREATE" });
  });

  it("updates an existing stack: the plan shows each change, the NAT cost and the caller's notes, then applies", async () => {
    updatable(h);
    const outcome = await deployStack(h.context.aws, { ...request, template: { usePrevious: true } }, h.options());

    expect(outcome.kind).toBe("applied");
    if (outcome.kind !== "applied") return;
    expect(outcome.changes).toHaveLength(4);
    expect(h.cfn).toHaveReceivedCommandWith(CreateChangeSetCommand, { ChangeSetType: "UPDATE", UsePreviousTemplate: true });
    const err = h.stderr();
    expect(err).toMatch(/ACTION\s+RESOURCE\s+TYPE\s+REPLACEMENT/);
    expect(err).toMatch(/Add\s+NatGateway0\s+AWS::EC2::NatGateway/);
    expect(err).toContain("3 NAT gateways will be created: about $98.55/month plus $0.045/GB processed");
    expect(err).toContain("services will roll");
    expect(err).toContain("services run in the private subnets");
    expect(h.stdout()).toBe("");
  });

  it("polls DescribeChangeSet every half second, easing to a 1 s cap (the plan shows within about half a second)", async () => {
    updatable(h);
    h.cfn
      .on(DescribeChangeSetCommand)
      .resolvesOnce({ Status: "CREATE_PENDING" })
      .resolvesOnce({ Status: "CREATE_IN_PROGRESS" })
      .resolvesOnce({ Status: "CREATE_IN_PROGRESS" })
      .resolvesOnce({ Status: "CREATE_IN_PROGRESS" })
      .resolvesOnce({ Status: "CREATE_IN_PROGRESS" })
      .resolvesOnce({ Status: "CREATE_IN_PROGRESS" })
      .resolves({ Status: "CREATE_COMPLETE", CreationTime: CREATED_AT, Changes: NAT_CHANGES });
    await deployStack(h.context.aws, request, h.options({ dryRun: true }));
    expect(h.sleeps).toEqual([500, 575, 661, 760, 874, 1000]);
  });

  it("follows a running stack by its status every 0.8 s, reads events every third poll and once at the end, and reads nothing after", async () => {
    updatable(h);
    const running = stack("UPDATE_IN_PROGRESS");
    h.cfn
      .on(DescribeStacksCommand, { StackName: STACK_ID })
      .resolvesOnce(running)
      .resolvesOnce(running)
      .resolvesOnce(running)
      .resolvesOnce(running)
      .resolves(stack("UPDATE_COMPLETE", { Outputs: [{ OutputKey: "Cluster", OutputValue: "prod-cluster" }] }));
    const outcome = await deployStack(h.context.aws, request, h.options());
    expect(outcome.kind === "applied" && outcome.stack.outputs).toEqual({ Cluster: "prod-cluster" });
    const afterExecute = h.cfn.calls().map((call) => call.args[0].constructor.name).slice(h.cfn.calls().findIndex((call) => call.args[0] instanceof ExecuteChangeSetCommand) + 1);
    // Polls 0..4 read the status; polls 0 and 3 the events too; the end (poll 4) reads the last events once.
    expect(afterExecute.filter((name) => name === "DescribeStacksCommand")).toHaveLength(5);
    expect(afterExecute.filter((name) => name === "DescribeStackEventsCommand")).toHaveLength(3);
    expect(afterExecute.at(-1)).toBe("DescribeStackEventsCommand");
    expect(h.sleeps.slice(-4)).toEqual([800, 808, 816, 824]);
  });

  it("runs beforeExecute after the go-ahead and before ExecuteChangeSet", async () => {
    updatable(h);
    const order: string[] = [];
    h.cfn.on(ExecuteChangeSetCommand).callsFake(() => {
      order.push("execute");
      return {};
    });
    await deployStack(h.context.aws, request, h.options({ beforeExecute: async () => void order.push("before") }));
    expect(order).toEqual(["before", "execute"]);
  });

  it("uploads a template over 51,200 bytes to the bucket and passes its URL", async () => {
    updatable(h);
    h.s3.on(PutObjectCommand).resolves({});
    const body = JSON.stringify({ Description: "x".repeat(60_000) });
    await deployStack(h.context.aws, { ...request, template: { body }, templateBucket: "rack-templates" }, h.options({ dryRun: true }));
    expect(h.s3).toHaveReceivedCommandWith(PutObjectCommand, { Bucket: "rack-templates", Body: body });
    const input = h.cfn.commandCalls(CreateChangeSetCommand)[0]?.args[0].input;
    expect(input?.TemplateBody).toBeUndefined();
    expect(input?.TemplateURL).toMatch(/^https:\/\/rack-templates\.s3\.us-east-1\.amazonaws\.com\/racknet\/templates\/racknet-prod\/[0-9a-f]{64}\.json$/);
  });
});

describe("deployStack: an empty change set is success", () => {
  it("status FAILED 'didn't contain changes': no-changes, the change set deleted, nothing executed", async () => {
    updatable(h);
    h.cfn.on(DescribeChangeSetCommand).resolves({
      Status: "FAILED",
      StatusReason: "The submitted information didn't contain changes. Submit different information to create a change set.",
    });
    const outcome = await deployStack(h.context.aws, request, h.options());
    expect(outcome).toEqual({ kind: "no-changes" });
    expect(h.cfn).toHaveReceivedCommandWith(DeleteChangeSetCommand, { ChangeSetName: CHANGE_SET_ID });
    expect(h.cfn).not.toHaveReceivedCommand(ExecuteChangeSetCommand);
    expect(h.stderr()).toContain("no changes");
  });

  it("moto's variant, CreateChangeSet failing with 'No updates are to be performed.': no-changes", async () => {
    updatable(h);
    h.cfn.on(CreateChangeSetCommand).rejects(Object.assign(new Error("No updates are to be performed."), { name: "ValidationError" }));
    const outcome = await deployStack(h.context.aws, request, h.options());
    expect(outcome).toEqual({ kind: "no-changes" });
    expect(h.cfn).not.toHaveReceivedCommand(DeleteChangeSetCommand);
    expect(h.stderr()).toContain("no changes");
  });

  it("any other FAILED change set is an AWS failure (exit 3) with the reason, and is deleted", async () => {
    updatable(h);
    h.cfn.on(DescribeChangeSetCommand).resolves({ Status: "FAILED", StatusReason: "Template error: unresolved resource dependencies [Nope]" });
    const error = await deployStack(h.context.aws, request, h.options()).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AwsOperationFailed);
    expect((error as AwsOperationFailed).exitCode).toBe(ExitCode.awsFailed);
    expect((error as Error).message).toContain("unresolved resource dependencies [Nope]");
    expect(h.cfn).toHaveReceivedCommand(DeleteChangeSetCommand);
  });
});

describe("deployStack: the go-ahead", () => {
  it("--dry-run shows the plan, deletes the change set and does not prompt", async () => {
    updatable(h);
    const outcome = await deployStack(h.context.aws, request, h.options({ dryRun: true, yes: false, canPrompt: true }));
    expect(outcome.kind).toBe("dry-run");
    expect(h.cfn).toHaveReceivedCommandWith(DeleteChangeSetCommand, { ChangeSetName: CHANGE_SET_ID });
    expect(h.cfn).not.toHaveReceivedCommand(ExecuteChangeSetCommand);
    expect(h.user.asked).toEqual([]);
    expect(h.stderr()).toContain("NAT gateways will be created");
  });

  it("a dry-run create also deletes the empty REVIEW_IN_PROGRESS stack it left", async () => {
    updatable(h);
    h.cfn.on(DescribeStacksCommand, { StackName: STACK }).rejects(notFound());
    h.cfn.on(DescribeStacksCommand, { StackName: STACK_ID }).resolvesOnce(stack("REVIEW_IN_PROGRESS")).rejects(notFound(STACK_ID));
    h.cfn.on(DeleteStackCommand).resolves({});
    await deployStack(h.context.aws, request, h.options({ dryRun: true }));
    expect(h.cfn).toHaveReceivedCommandWith(DeleteStackCommand, { StackName: STACK_ID });
  });

  it("without a terminal and without --yes: refused (exit 1) naming --yes, the change set deleted", async () => {
    updatable(h);
    const error = await deployStack(h.context.aws, request, h.options({ yes: false, canPrompt: false })).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).exitCode).toBe(ExitCode.refused);
    expect(`${(error as UserError).message} ${(error as UserError).fix}`).toContain("--yes");
    expect(h.cfn).toHaveReceivedCommand(DeleteChangeSetCommand);
    expect(h.cfn).not.toHaveReceivedCommand(ExecuteChangeSetCommand);
  });

  it("on a terminal, asks; dangerous items are repeated in the question", async () => {
    updatable(h, [resource("Remove", "ExternalBalancer", "AWS::ElasticLoadBalancingV2::LoadBalancer"), ...NAT_CHANGES]);
    h.user.answer(true, true);
    const outcome = await deployStack(h.context.aws, request, h.options({ yes: false, canPrompt: true }));
    expect(outcome.kind).toBe("applied");
    const [asked] = h.user.asked;
    expect(asked?.question).toContain("load balancer ExternalBalancer will be deleted");
    expect(asked?.defaultYes).toBe(false);
    expect(h.user.questions[1]).toBe("Apply these changes to rack prod?");
    expect(h.stderr()).toMatch(/Remove !\s+ExternalBalancer/);
  });

  it("declined at the prompt: 'cancelled; nothing changed' (exit 1), the change set deleted", async () => {
    updatable(h);
    h.user.answer(false);
    const error = await deployStack(h.context.aws, request, h.options({ yes: false, canPrompt: true })).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).exitCode).toBe(ExitCode.refused);
    expect((error as Error).message).toBe("cancelled; nothing changed");
    expect(h.cfn).toHaveReceivedCommand(DeleteChangeSetCommand);
    expect(h.cfn).not.toHaveReceivedCommand(ExecuteChangeSetCommand);
  });
});

describe("deployStack: refusals before any change set", () => {
  it("refuses a stack with an operation in progress, saying what runs and how to follow it", async () => {
    h.cfn.on(DescribeStacksCommand, { StackName: STACK }).resolves(stack("UPDATE_IN_PROGRESS"));
    const error = (await deployStack(h.context.aws, request, h.options()).catch((caught: unknown) => caught)) as UserError;
    expect(error).toBeInstanceOf(UserError);
    expect(error.exitCode).toBe(ExitCode.refused);
    expect(error.message).toContain("UPDATE_IN_PROGRESS");
    expect(error.message).toContain("an update is running");
    expect(error.fix).toContain("racknet rack -r prod");
    expect(h.cfn).not.toHaveReceivedCommand(CreateChangeSetCommand);
  });

  it("explains ROLLBACK_COMPLETE (a failed create) and gives the delete command", async () => {
    h.cfn.on(DescribeStacksCommand, { StackName: STACK }).resolves(stack("ROLLBACK_COMPLETE"));
    const error = (await deployStack(h.context.aws, request, h.options()).catch((caught: unknown) => caught)) as UserError;
    expect(error.exitCode).toBe(ExitCode.refused);
    expect(error.message).toContain("creation failed and was rolled back");
    expect(error.fix).toContain(`aws cloudformation delete-stack --stack-name ${STACK}`);
    expect(h.cfn).not.toHaveReceivedCommand(CreateChangeSetCommand);
  });

  it("explains UPDATE_ROLLBACK_FAILED and gives continue-update-rollback", async () => {
    h.cfn.on(DescribeStacksCommand, { StackName: STACK }).resolves(stack("UPDATE_ROLLBACK_FAILED"));
    const error = (await deployStack(h.context.aws, request, h.options()).catch((caught: unknown) => caught)) as UserError;
    expect(error.fix).toContain(`aws cloudformation continue-update-rollback --stack-name ${STACK}`);
  });

  it("refuses while another racknet change set is pending on the stack, naming it", async () => {
    updatable(h);
    h.cfn.on(ListChangeSetsCommand).resolves({
      Summaries: [
        // moto lists other stacks' change sets too: not ours.
        { StackId: "arn:aws:cloudformation:us-east-1:123456789012:stack/other/9", StackName: "other", ChangeSetName: "racknet-20250301T095900000Z", Status: "CREATE_COMPLETE", ExecutionStatus: "AVAILABLE", CreationTime: new Date() },
        // already executed (moto keeps them): not pending.
        { StackId: STACK_ID, StackName: STACK, ChangeSetName: "racknet-20250301T090000000Z", Status: "CREATE_COMPLETE", ExecutionStatus: "EXECUTE_COMPLETE", CreationTime: new Date() },
        { StackId: STACK_ID, StackName: STACK, ChangeSetName: "racknet-20250301T095930000Z", Status: "CREATE_COMPLETE", ExecutionStatus: "AVAILABLE", CreationTime: new Date(Date.now() - 120_000) },
      ],
    });
    const error = (await deployStack(h.context.aws, request, h.options()).catch((caught: unknown) => caught)) as UserError;
    expect(error).toBeInstanceOf(UserError);
    expect(error.message).toContain("racknet-20250301T095930000Z");
    expect(error.message).toContain("another racknet");
    expect(h.cfn).not.toHaveReceivedCommand(CreateChangeSetCommand);
  });

  it("ignores a racknet change set older than an hour (left by a process that died)", async () => {
    updatable(h);
    h.cfn.on(ListChangeSetsCommand).resolves({
      Summaries: [{ StackId: STACK_ID, StackName: STACK, ChangeSetName: "racknet-old", Status: "CREATE_COMPLETE", ExecutionStatus: "AVAILABLE", CreationTime: new Date(Date.now() - 2 * 3600_000) }],
    });
    const outcome = await deployStack(h.context.aws, request, h.options());
    expect(outcome.kind).toBe("applied");
  });
});

describe("deployStack: a failed operation", () => {
  it("prints the root cause first, then the other failures and the final state; exit 3 with the recovery", async () => {
    updatable(h);
    const events = [
      stackEvent("UPDATE_IN_PROGRESS", "User Initiated"),
      event("PrivateSubnet0", "CREATE_IN_PROGRESS", "AWS::EC2::Subnet"),
      event("NatGateway0", "CREATE_IN_PROGRESS", "AWS::EC2::NatGateway"),
      event("PrivateSubnet0", "CREATE_FAILED", "AWS::EC2::Subnet", "The CIDR '10.0.96.0/19' conflicts with another subnet"),
      event("NatGateway0", "CREATE_FAILED", "AWS::EC2::NatGateway", "Resource creation cancelled"),
      event("PrivateRoute0", "CREATE_FAILED", "AWS::EC2::Route", "Route table rtb-1 already has a route with destination-cidr-block 0.0.0.0/0"),
      stackEvent("UPDATE_ROLLBACK_IN_PROGRESS", "The following resource(s) failed to create: [PrivateSubnet0, NatGateway0, PrivateRoute0]."),
      stackEvent("UPDATE_ROLLBACK_COMPLETE"),
    ];
    h.cfn.on(DescribeStacksCommand, { StackName: STACK_ID }).resolvesOnce(stack("UPDATE_IN_PROGRESS")).resolves(stack("UPDATE_ROLLBACK_COMPLETE"));
    h.cfn.on(DescribeStackEventsCommand).resolves(newestFirst(events));

    const error = (await deployStack(h.context.aws, request, h.options()).catch((caught: unknown) => caught)) as AwsOperationFailed;

    expect(error).toBeInstanceOf(AwsOperationFailed);
    expect(error.exitCode).toBe(ExitCode.awsFailed);
    expect(error.message).toContain("UPDATE_ROLLBACK_COMPLETE");
    expect(error.message).toContain("PrivateSubnet0: The CIDR '10.0.96.0/19' conflicts");
    expect(error.fix).toContain("fix the cause and run the command again");
    const err = h.stderr();
    const rootAt = err.indexOf("root cause: PrivateSubnet0");
    expect(rootAt).toBeGreaterThan(-1);
    expect(err.indexOf("other failures:")).toBeGreaterThan(rootAt);
    expect(err.indexOf("PrivateRoute0 (AWS::EC2::Route) CREATE_FAILED", rootAt)).toBeGreaterThan(rootAt);
    expect(err).toContain("the previous version is running");
  });
});

describe("deployStack: throttling", () => {
  it("a throttled DescribeChangeSet backs off and keeps polling", async () => {
    updatable(h);
    const throttling = Object.assign(new Error("Rate exceeded"), { name: "Throttling", $metadata: { httpStatusCode: 400 } });
    h.cfn
      .on(DescribeChangeSetCommand)
      .rejectsOnce(throttling)
      .rejectsOnce(throttling)
      .resolves({ Status: "CREATE_COMPLETE", CreationTime: CREATED_AT, Changes: NAT_CHANGES });
    const outcome = await deployStack(h.context.aws, request, h.options({ dryRun: true }));
    expect(outcome.kind).toBe("dry-run");
    expect(h.sleeps.slice(0, 2)).toEqual([2000, 4000]);
  });

  it("a throttled DescribeStackEvents backs off and keeps following the stack", async () => {
    updatable(h);
    const events = [stackEvent("UPDATE_IN_PROGRESS"), stackEvent("UPDATE_COMPLETE")];
    h.cfn
      .on(DescribeStackEventsCommand)
      .rejectsOnce(Object.assign(new Error("Rate exceeded"), { name: "ThrottlingException", $metadata: { httpStatusCode: 400 } }))
      .resolves(newestFirst(events));
    const outcome = await deployStack(h.context.aws, request, h.options());
    expect(outcome.kind).toBe("applied");
  });
});

describe("deployStack: Ctrl-C", () => {
  it("before execute: the change set is deleted, 'cancelled; nothing changed', exit 130", async () => {
    updatable(h);
    const listeners = process.listenerCount("SIGINT");
    h.cfn.on(DescribeChangeSetCommand).callsFake(() => {
      process.emit("SIGINT");
      return { Status: "CREATE_IN_PROGRESS" };
    });
    const error = (await deployStack(h.context.aws, request, h.options()).catch((caught: unknown) => caught)) as Interrupted;
    expect(error).toBeInstanceOf(Interrupted);
    expect(error.exitCode).toBe(ExitCode.interrupted);
    expect(error.message).toBe("cancelled; nothing changed");
    expect(h.cfn).toHaveReceivedCommand(DeleteChangeSetCommand);
    expect(h.cfn).not.toHaveReceivedCommand(ExecuteChangeSetCommand);
    expect(process.listenerCount("SIGINT")).toBe(listeners);
  });

  it("Ctrl-C at the prompt (@inquirer's ExitPromptError): the change set is deleted, exit 130", async () => {
    updatable(h);
    h.user.answer(Object.assign(new Error("User force closed the prompt with SIGINT"), { name: "ExitPromptError" }));
    const error = (await deployStack(h.context.aws, request, h.options({ yes: false, canPrompt: true })).catch((caught: unknown) => caught)) as Interrupted;
    expect(error).toBeInstanceOf(Interrupted);
    expect(error.message).toBe("cancelled; nothing changed");
    expect(h.cfn).toHaveReceivedCommand(DeleteChangeSetCommand);
    expect(h.cfn).not.toHaveReceivedCommand(ExecuteChangeSetCommand);
  });

  it("after execute: says the operation continues in AWS and how to follow it, exit 130", async () => {
    updatable(h);
    const listeners = process.listenerCount("SIGINT");
    h.cfn.on(DescribeStacksCommand, { StackName: STACK_ID }).callsFake(() => {
      process.emit("SIGINT");
      return stack("UPDATE_IN_PROGRESS");
    });
    const error = (await deployStack(h.context.aws, request, h.options()).catch((caught: unknown) => caught)) as Interrupted;
    expect(error).toBeInstanceOf(Interrupted);
    expect(error.exitCode).toBe(ExitCode.interrupted);
    expect(error.message).toContain("continues in AWS");
    expect(error.fix).toBe("follow it to its end with `racknet rack -r prod`");
    expect(h.cfn).toHaveReceivedCommand(ExecuteChangeSetCommand);
    expect(h.cfn).not.toHaveReceivedCommand(DeleteChangeSetCommand);
    expect(process.listenerCount("SIGINT")).toBe(listeners);
  });

  it("the sleeps are abortable: Ctrl-C during a real wait ends it at once", async () => {
    const { abortableSleep } = await import("../../src/aws/changeset/pacing.js");
    const controller = new AbortController();
    const started = Date.now();
    const waiting = abortableSleep(10_000, controller.signal);
    controller.abort(new Error("ctrl-c"));
    await expect(waiting).rejects.toThrow("ctrl-c");
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
