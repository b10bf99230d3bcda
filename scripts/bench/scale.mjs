// A rack's cost as it grows (issue 27): `rack params set Private=Yes` on racks of 1, 5 and 20
// apps under AWS's timing (the apps move side by side), and the commands of a rack of 100
// apps: their calls and times. The racks are made straight on moto (no proxy: moto is
// instant): racknet installs the rack and deploys one app; the others are that app's stack
// cloned by CreateStack under their own names and tags, which is all `params set`, `apps`,
// `services` and `rack` read of an app (its stack, tags, parameters and template).
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { CloudFormationClient, CreateStackCommand, DescribeStacksCommand, GetTemplateCommand, waitUntilStackCreateComplete } from "@aws-sdk/client-cloudformation";
import { startAwsLikeProxy } from "./awslike-proxy.mjs";
import { awsEnv, runProcess } from "./tools.mjs";

const SOURCE_APP = "appsrc";
const MANIFEST = "services:\n  worker:\n    image: busybox:1.36\n    command: sleep 3600\n";

/** A rack with `count` apps on moto: one deployed by racknet, the others cloned from it. */
async function rackWithApps({ racknet, motoEndpoint, work, root, rack, count }) {
  const env = awsEnv(motoEndpoint);
  const manifest = join(work, "scale-convox.yml");
  writeFileSync(manifest, MANIFEST);
  await runProcess(process.execPath, [racknet, "rack", "install", rack, "--yes"], { env, cwd: root });
  await runProcess(process.execPath, [racknet, "deploy", "-a", SOURCE_APP, "-f", manifest, "-r", rack, "--yes"], { env, cwd: root });
  const cfn = new CloudFormationClient({ endpoint: motoEndpoint, region: "us-east-1", credentials: { accessKeyId: "bench", secretAccessKey: "bench" } });
  try {
    const source = `${rack}-${SOURCE_APP}`;
    const [{ TemplateBody = "" }, { Stacks = [] }] = await Promise.all([cfn.send(new GetTemplateCommand({ StackName: source })), cfn.send(new DescribeStacksCommand({ StackName: source }))]);
    const [stack] = Stacks;
    const names = Array.from({ length: count - 1 }, (_, index) => `app${String(index + 1).padStart(3, "0")}`);
    // Four at a time: moto answers one request at a time anyway.
    for (let start = 0; start < names.length; start += 4) {
      await Promise.all(
        names.slice(start, start + 4).map(async (app) => {
          const rename = (text) => text.split(SOURCE_APP).join(app);
          const StackName = `${rack}-${app}`;
          await cfn.send(
            new CreateStackCommand({
              StackName,
              TemplateBody: rename(TemplateBody),
              Capabilities: ["CAPABILITY_IAM"],
              Parameters: (stack?.Parameters ?? []).map((parameter) => ({ ParameterKey: parameter.ParameterKey, ParameterValue: rename(parameter.ParameterValue ?? "") })),
              Tags: (stack?.Tags ?? []).map((tag) => ({ Key: tag.Key, Value: rename(tag.Value ?? "") })),
            }),
          );
          await waitUntilStackCreateComplete({ client: cfn, maxWaitTime: 120, minDelay: 1, maxDelay: 2 }, { StackName });
        }),
      );
    }
  } finally {
    cfn.destroy();
  }
}

/** One racknet command through `lane`: wall time and calls. */
async function timedCommand({ racknet, root, lane, args }) {
  const run = await runProcess(process.execPath, [racknet, ...args], { env: awsEnv(lane.endpoint), cwd: root });
  const calls = lane.entries().filter((entry) => !entry.event && entry.start >= run.launch && entry.start <= run.exit);
  const executes = lane.entries().filter((entry) => entry.event === "execute" && entry.start >= run.launch && entry.start <= run.exit);
  return { ms: run.exit - run.launch, calls: calls.length, operations: executes.length };
}

/**
 * `rack params set Private=Yes` on racks of each size in `counts`, under AWS's timing with
 * stack operations of `holdMs`.
 */
export async function measureAppScale({ root, racknet, motoEndpoint, work, counts, holdMs, latencyMs, progress }) {
  const rows = [];
  for (const count of counts) {
    const rack = `sc${count}`;
    progress(`scale: making rack ${rack} with ${count} app(s) on moto`);
    await rackWithApps({ racknet, motoEndpoint, work, root, rack, count });
    const lane = await startAwsLikeProxy({ upstream: motoEndpoint, latencyMs, holdMs: () => holdMs, changeSetMs: () => 2_000 });
    try {
      const measured = await timedCommand({ racknet, root, lane, args: ["rack", "params", "set", "Private=Yes", "-r", rack, "--yes"] });
      rows.push({ apps: count, ...measured });
      progress(`scale: params set Private=Yes with ${count} app(s): ${(measured.ms / 1000).toFixed(1)} s, ${measured.calls} calls, ${measured.operations} stack operations`);
    } finally {
      await lane.stop();
    }
  }
  return rows;
}

/** The commands of a rack with `count` apps, each through the AWS-timing proxy. */
export async function measureHundredApps({ root, racknet, motoEndpoint, work, count, holdMs, latencyMs, progress }) {
  const rack = "hd";
  progress(`hundred: making rack ${rack} with ${count} apps on moto`);
  await rackWithApps({ racknet, motoEndpoint, work, root, rack, count });
  const manifest = join(work, "scale-convox.yml");
  const commands = [
    ["apps", ["apps", "-r", rack]],
    ["services (one app)", ["services", "-a", "app001", "-r", rack]],
    ["rack", ["rack", "-r", rack]],
    ["rack drift", ["rack", "drift", "-r", rack]],
    ["deploy of one app (no change)", ["deploy", "-a", SOURCE_APP, "-f", manifest, "-r", rack, "--yes"]],
    ["rack params set Internal=Yes", ["rack", "params", "set", "Internal=Yes", "-r", rack, "--yes"]],
  ];
  const lane = await startAwsLikeProxy({ upstream: motoEndpoint, latencyMs, holdMs: () => holdMs, changeSetMs: () => 2_000 });
  const rows = [];
  try {
    for (const [name, args] of commands) {
      let measured;
      try {
        measured = await timedCommand({ racknet, root, lane, args });
      } catch (error) {
        // `rack drift` exits 4 when it finds drift: still a measured run.
        measured = { ms: Number.NaN, calls: Number.NaN, operations: 0, error: String(error.message).split("\n")[0] };
      }
      rows.push({ command: name, ...measured });
      progress(`hundred: ${name}: ${(measured.ms / 1000).toFixed(1)} s, ${measured.calls} calls${measured.error ? ` (${measured.error})` : ""}`);
    }
  } finally {
    await lane.stop();
  }
  return rows;
}
