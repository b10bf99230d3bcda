import "aws-sdk-client-mock-vitest/extend";
import { mockClient } from "aws-sdk-client-mock";
import { DescribeStacksCommand } from "@aws-sdk/client-cloudformation";
import { CloudWatchLogsClient, GetLogEventsCommand } from "@aws-sdk/client-cloudwatch-logs";
import { DescribeServicesCommand, DescribeTasksCommand, ECSClient, RunTaskCommand, StopTaskCommand, type Task } from "@aws-sdk/client-ecs";
import { beforeEach, describe, expect, it } from "vitest";
import { runWorkflow } from "../../src/runtime/run-workflow.js";
import { run, type RunArgs } from "../../src/operations/run.js";
import { appStack, cfn, dayContext, rackStack, stacks } from "./day-fixtures.js";

/** `racknet run` (issue 24) with aws-sdk-client-mock: the task's set-up, its logs, its exit code, Ctrl-C and --timeout. */

const ecs = mockClient(ECSClient);
const logs = mockClient(CloudWatchLogsClient);
const TASK = "arn:aws:ecs:us-east-1:123456789012:task/prod-Cluster/0123abcd";
let reads: number;
let stopAfter: number;
let exitCode: number | undefined;
const lines = [["migrating", "done"], ["and one more"]];

function task(status: string): Task {
  return { taskArn: TASK, lastStatus: status, containers: [{ name: "web", ...(status === "STOPPED" && exitCode !== undefined ? { exitCode } : {}) }], ...(status === "STOPPED" ? { stoppedReason: "Essential container in task exited" } : {}) };
}

beforeEach(() => {
  stacks();
  ecs.reset();
  logs.reset();
  ecs.onAnyCommand().rejects(new Error("unmocked ECS call"));
  logs.onAnyCommand().rejects(new Error("unmocked CloudWatch Logs call"));
  reads = 0;
  stopAfter = 2;
  exitCode = 0;
  ecs.on(DescribeServicesCommand).resolves({
    services: [{ serviceName: "prod-shop-WebService-1", status: "ACTIVE", taskDefinition: "arn:aws:ecs:us-east-1:123456789012:task-definition/prod-shop-web:7", networkConfiguration: { awsvpcConfiguration: { subnets: ["subnet-a", "subnet-b"], securityGroups: ["sg-net", "sg-svc"], assignPublicIp: "ENABLED" } } }],
  });
  ecs.on(RunTaskCommand).resolves({ tasks: [task("PROVISIONING")], failures: [] });
  ecs.on(DescribeTasksCommand).callsFake(() => {
    reads += 1;
    return { tasks: [task(reads > stopAfter ? "STOPPED" : "RUNNING")] };
  });
  ecs.on(StopTaskCommand).resolves({});
  let page = 0;
  logs.on(GetLogEventsCommand).callsFake((input: { nextToken?: string }) => {
    const events = input.nextToken === `t${page}` && page < lines.length ? (lines[page] ?? []).map((message) => ({ message })) : [];
    if (input.nextToken === undefined && page === 0) return { events: (lines[0] ?? []).map((message) => ({ message })), nextForwardToken: `t${(page = 1)}` };
    if (events.length > 0) page += 1;
    return { events, nextForwardToken: `t${page}` };
  });
});

async function runIt(args: Partial<RunArgs>, overrides = {}) {
  const day = dayContext(overrides);
  const { exitCode: code } = await runWorkflow(run, day.context, { service: "web", detach: false, ...args });
  return { code, stdout: day.stdout(), stderr: day.stderr() };
}

describe("racknet run", () => {
  it("starts a task from the service's task definition, subnets and security groups, tagged as the app's run task, prints its lines and exits with its code", async () => {
    exitCode = 3;
    const result = await runIt({ command: ["sh", "-c", "bin/migrate"] });
    expect(result.code).toBe(3);
    expect(result.stdout).toBe("migrating\ndone\nand one more\n");
    expect(result.stderr).toContain("task 0123abcd exited with 3");
    expect(ecs).toHaveReceivedCommandWith(RunTaskCommand, {
      cluster: "arn:aws:ecs:us-east-1:123456789012:cluster/prod-Cluster",
      taskDefinition: "arn:aws:ecs:us-east-1:123456789012:task-definition/prod-shop-web:7",
      launchType: "FARGATE",
      startedBy: "racknet-run",
      group: "racknet-run:shop",
      networkConfiguration: { awsvpcConfiguration: { subnets: ["subnet-a", "subnet-b"], securityGroups: ["sg-net", "sg-svc"], assignPublicIp: "ENABLED" } },
      overrides: { containerOverrides: [{ name: "web", command: ["sh", "-c", "bin/migrate"] }] },
    });
    expect(logs).toHaveReceivedCommandWith(GetLogEventsCommand, { logGroupName: "/racknet/prod", logStreamName: "shop/web/0123abcd", startFromHead: true });
    expect(ecs).not.toHaveReceivedCommand(StopTaskCommand);
  });

  it("exit 0 is racknet's 0; without a command the task runs the service's own", async () => {
    const result = await runIt({});
    expect(result.code).toBe(0);
    expect(ecs.commandCalls(RunTaskCommand)[0]?.args[0].input.overrides).toBeUndefined();
  });

  it("on a private rack the task never gets a public IP, whatever the service says", async () => {
    cfn.on(DescribeStacksCommand).callsFake((input: { StackName?: string }) => {
      if (input.StackName === "prod") return { Stacks: [{ ...rackStack(), Parameters: [{ ParameterKey: "Private", ParameterValue: "Yes" }] }] };
      return { Stacks: [appStack()] };
    });
    await runIt({ command: ["echo", "hi"] });
    expect(ecs.commandCalls(RunTaskCommand)[0]?.args[0].input.networkConfiguration?.awsvpcConfiguration?.assignPublicIp).toBe("DISABLED");
  });

  it("--detach prints the task id and exits 0 without waiting", async () => {
    const result = await runIt({ detach: true, command: ["echo", "hi"] });
    expect(result).toMatchObject({ code: 0, stdout: "0123abcd\n" });
    expect(ecs).not.toHaveReceivedCommand(DescribeTasksCommand);
    const json = await runIt({ detach: true }, { json: true });
    expect(JSON.parse(json.stdout)).toMatchObject({ app: "shop", rack: "prod", service: "web", task: "0123abcd", outcome: "detached", exitCode: null });
  });

  it("--timeout stops the task (StopTask), says so and exits 3", async () => {
    stopAfter = 1_000;
    const result = await runIt({ timeout: "10m", command: ["sleep", "600"] });
    expect(result.code).toBe(3);
    expect(ecs).toHaveReceivedCommandWith(StopTaskCommand, { task: TASK, reason: "racknet run: --timeout reached" });
    expect(result.stderr).toContain("--timeout reached: stopped task 0123abcd (StopTask)");
    expect(result.stderr).toContain("task 0123abcd ran longer than --timeout 10m and was stopped");
  });

  it("Ctrl-C stops the task, says so and exits 130", async () => {
    stopAfter = 1_000;
    ecs.on(DescribeTasksCommand).callsFake(() => {
      reads += 1;
      if (reads === 2) process.emit("SIGINT");
      return { tasks: [task("RUNNING")] };
    });
    const result = await runIt({ command: ["sleep", "600"] });
    expect(result.code).toBe(130);
    expect(ecs).toHaveReceivedCommandWith(StopTaskCommand, { task: TASK, reason: "racknet run: Ctrl-C" });
    expect(result.stderr).toContain("Ctrl-C: stopped task 0123abcd (StopTask)");
  });

  it("Ctrl-C during a wait between polls ends the wait at once, stops the task and exits 130", async () => {
    stopAfter = 1_000;
    const day = dayContext();
    const { clock } = day.context;
    // The user presses Ctrl-C while racknet waits for the next poll.
    day.context.clock = { now: clock.now, sleep: async (ms, signal) => (process.emit("SIGINT"), clock.sleep(ms, signal)) };
    const { exitCode: code } = await runWorkflow(run, day.context, { service: "web", detach: false, command: ["sleep", "600"] });
    expect(code, day.stderr()).toBe(130);
    expect(ecs).toHaveReceivedCommandWith(StopTaskCommand, { task: TASK, reason: "racknet run: Ctrl-C" });
    expect(day.stderr()).toContain("Ctrl-C: stopped task 0123abcd (StopTask)");
  });

  it("an unknown service and a malformed --timeout are refused before any task starts", async () => {
    const unknown = await runIt({ service: "nosuch" });
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("app shop has no running service nosuch on rack prod");
    const malformed = await runIt({ timeout: "soon" });
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).toContain('--timeout "soon" is not a duration');
    expect(ecs).not.toHaveReceivedCommand(RunTaskCommand);
  });
});
