import "aws-sdk-client-mock-vitest/extend";
import { mockClient } from "aws-sdk-client-mock";
import { DescribeStacksCommand } from "@aws-sdk/client-cloudformation";
import { DescribeTasksCommand, ECSClient, ExecuteCommandCommand, ListTasksCommand, type Task } from "@aws-sdk/client-ecs";
import { beforeEach, describe, expect, it } from "vitest";
import { runWorkflow } from "../../src/runtime/run-workflow.js";
import { execInto, type ExecArgs, type ExecHost } from "../../src/operations/exec.js";
import { appStack, cfn, dayContext, rackStack, stacks } from "./day-fixtures.js";

/** `racknet exec` (issue 24) with aws-sdk-client-mock: ExecuteCommand, the plugin's arguments, every refusal with its fix. */

const ecs = mockClient(ECSClient);
const TASK = "arn:aws:ecs:us-east-1:123456789012:task/prod-Cluster/77aa";
let task: Task;
let started: { plugin: string; args: readonly string[] }[];

function withExec(value: string | undefined) {
  cfn.on(DescribeStacksCommand).callsFake((input: { StackName?: string }) => {
    if (input.StackName === "prod") return { Stacks: [rackStack()] };
    const app = appStack();
    return { Stacks: [{ ...app, Parameters: [...(app.Parameters ?? []), ...(value ? [{ ParameterKey: "Exec", ParameterValue: value }] : [])] }] };
  });
}

beforeEach(() => {
  stacks();
  withExec("Yes");
  ecs.reset();
  ecs.onAnyCommand().rejects(new Error("unmocked ECS call"));
  started = [];
  task = { taskArn: TASK, lastStatus: "RUNNING", enableExecuteCommand: true, containers: [{ name: "web", runtimeId: "77aa-1234", managedAgents: [{ name: "ExecuteCommandAgent", lastStatus: "RUNNING" }] }] };
  ecs.on(ListTasksCommand).resolves({ taskArns: [TASK] });
  ecs.on(DescribeTasksCommand).callsFake(() => ({ tasks: [task] }));
  ecs.on(ExecuteCommandCommand).resolves({ session: { sessionId: "ecs-execute-command-0a1b", streamUrl: "wss://ssmmessages.us-east-1.amazonaws.com/v1/data-channel/ecs-execute-command-0a1b", tokenValue: "token-xyz" } });
});

const host = (plugin: string | undefined, exitCode = 0): ExecHost => ({
  findPlugin: () => plugin,
  startPlugin: async (found, args) => {
    started.push({ plugin: found, args });
    return exitCode;
  },
});

async function execIt(args: Partial<ExecArgs>, using: ExecHost = host("/usr/local/bin/session-manager-plugin")) {
  const day = dayContext();
  const { exitCode: code } = await runWorkflow((context, given: ExecArgs) => execInto(context, given, using), day.context, { service: "web", command: ["sh"], ...args });
  return { code, stderr: day.stderr() };
}

describe("racknet exec", () => {
  it("calls ExecuteCommand on a running task of the service and hands the session to the Session Manager plugin; its exit code is racknet's", async () => {
    const result = await execIt({ command: ["bin/rails", "console"] }, host("/usr/local/bin/session-manager-plugin", 5));
    expect(result.code).toBe(5);
    expect(ecs).toHaveReceivedCommandWith(ListTasksCommand, { cluster: "arn:aws:ecs:us-east-1:123456789012:cluster/prod-Cluster", serviceName: "prod-shop-WebService-1", desiredStatus: "RUNNING" });
    expect(ecs).toHaveReceivedCommandWith(ExecuteCommandCommand, { cluster: "arn:aws:ecs:us-east-1:123456789012:cluster/prod-Cluster", task: TASK, container: "web", command: "bin/rails console", interactive: true });
    const [call] = started;
    expect(call?.plugin).toBe("/usr/local/bin/session-manager-plugin");
    expect(JSON.parse(call?.args[0] ?? "{}")).toEqual({ sessionId: "ecs-execute-command-0a1b", streamUrl: "wss://ssmmessages.us-east-1.amazonaws.com/v1/data-channel/ecs-execute-command-0a1b", tokenValue: "token-xyz" });
    expect(call?.args.slice(1, 3)).toEqual(["us-east-1", "StartSession"]);
    expect(JSON.parse(call?.args[4] ?? "{}")).toEqual({ Target: "ecs:prod-Cluster_77aa_77aa-1234" });
  });

  it("--task names the task", async () => {
    await execIt({ task: "77aa" });
    expect(ecs).not.toHaveReceivedCommand(ListTasksCommand);
    expect(ecs).toHaveReceivedCommandWith(DescribeTasksCommand, { tasks: ["77aa"] });
  });

  it("without the Session Manager plugin: refused with how to install it, before any AWS call", async () => {
    const result = await execIt({}, host(undefined));
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("racknet exec needs AWS's Session Manager plugin (session-manager-plugin), which is not on your PATH");
    expect(result.stderr).toContain("session-manager-working-with-install-plugin.html");
    expect(cfn.calls()).toHaveLength(0);
    expect(ecs).not.toHaveReceivedCommand(ExecuteCommandCommand);
  });

  it("on an app without Exec=Yes: refused, naming the command that turns it on", async () => {
    for (const value of [undefined, "No"]) {
      withExec(value);
      const result = await execIt({});
      expect(result.code).toBe(1);
      expect(result.stderr).toContain("exec is off for app shop");
      expect(result.stderr).toContain("racknet apps params set Exec=Yes -a shop");
    }
    expect(ecs).not.toHaveReceivedCommand(ExecuteCommandCommand);
  });

  it("while the task's Exec agent is not ready, and for a task started before Exec: refused with what to do", async () => {
    task = { ...task, containers: [{ name: "web", managedAgents: [{ name: "ExecuteCommandAgent", lastStatus: "PENDING" }] }] };
    const pending = await execIt({});
    expect(pending.code).toBe(1);
    expect(pending.stderr).toContain("the ECS Exec agent in task 77aa is not ready (PENDING)");
    task = { ...task, enableExecuteCommand: false };
    const old = await execIt({});
    expect(old.stderr).toContain("task 77aa started before Exec was turned on for app shop");
    expect(ecs).not.toHaveReceivedCommand(ExecuteCommandCommand);
  });
});
