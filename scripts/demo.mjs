#!/usr/bin/env node
// The main job, end to end, against a local moto_server that this script starts and stops:
// install a private rack with an internal load balancer, deploy the example app, list its
// services and private network names, then deploy an app built from source (the rack builds
// it on CodeBuild and pushes it to ECR) twice: the second time nothing is built and nothing
// changes. Run with `npm run demo` (it builds first).
import { spawn, spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { keepEcsTasksRunning, startMoto } from "./moto-server.mjs";

// The demo itself calls ECS (it starts the tasks moto does not): on Node 20 the SDK would print
// its Node-version notice in the middle of the demo's output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";

// Without moto the demo cannot run: say what to install, not a stack trace.
const python = process.env.PYTHON ?? "python3";
const probe = spawnSync(python, ["-c", "import moto, sys; print(moto.__version__)"], { encoding: "utf8" });
if (probe.error || probe.status !== 0 || !/^5\.2\./.test(probe.stdout.trim())) {
  const found = probe.error ? `${python} was not found` : probe.status !== 0 ? `${python} has no moto` : `${python} has moto ${probe.stdout.trim()}`;
  process.stderr.write(
    `npm run demo needs moto 5.2 (it runs racknet against a local moto_server), and ${found}.\n` +
      `Install it with:  ${python} -m pip install "moto[server]==5.2.*"\n` +
      "(or set PYTHON to an interpreter that has it); see README.md, \"On a machine without moto\".\n",
  );
  process.exit(1);
}

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const racknet = join(root, "bin", "racknet");

const manifest = join("examples", "shop", "convox.yml");
const builtFromSource = join("examples", "greeter", "convox.yml");
const steps = [
  ["rack", "install", "demo", "--private", "Internal=Yes", "--yes"],
  ["rack", "-r", "demo"],
  ["deploy", "-a", "shop", "-f", manifest, "-r", "demo", "--yes"],
  ["services", "-a", "shop", "-r", "demo"],
  startContainers,
  ["deploy", "-a", "shop", "-f", manifest, "-r", "demo", "--yes"],
  ["private-networks-domain-names", "-a", "shop", "-r", "demo"],
  ["deploy", "-a", "greeter", "-f", builtFromSource, "-r", "demo", "--yes"],
  ["deploy", "-a", "greeter", "-f", builtFromSource, "-r", "demo", "--yes"],
  ["services", "-a", "greeter", "-r", "demo"],
  ["apps", "-r", "demo"],
];

/**
 * On AWS, ECS starts each service's tasks; moto's ECS starts none. The demo starts them as
 * ECS would (RunTask in the service's subnets, with the tags ECS propagates from the
 * service), so the private network has containers to name.
 */
async function startContainers(env) {
  process.stdout.write("\n# moto starts no ECS tasks for services: starting them as ECS would\n");
  const { CloudFormationClient, DescribeStacksCommand } = await import("@aws-sdk/client-cloudformation");
  const { ECSClient, DescribeServicesCommand, RunTaskCommand, ListTagsForResourceCommand } = await import("@aws-sdk/client-ecs");
  const config = { endpoint: env.AWS_ENDPOINT_URL, region: env.AWS_REGION, credentials: { accessKeyId: "demo", secretAccessKey: "demo" } };
  const cfn = new CloudFormationClient(config);
  const ecs = new ECSClient(config);
  const outputs = async (name) =>
    Object.fromEntries(((await cfn.send(new DescribeStacksCommand({ StackName: name }))).Stacks?.[0]?.Outputs ?? []).map((o) => [o.OutputKey, o.OutputValue]));
  const rack = await outputs("demo");
  const app = await outputs("demo-shop");
  const names = Object.entries(app).filter(([key]) => /^Service\w+Name$/.test(key)).map(([, value]) => value);
  const { services = [] } = await ecs.send(new DescribeServicesCommand({ cluster: rack.Cluster, services: names }));
  for (const service of services) {
    const { tags = [] } = await ecs.send(new ListTagsForResourceCommand({ resourceArn: service.serviceArn }));
    await ecs.send(
      new RunTaskCommand({
        cluster: rack.Cluster,
        taskDefinition: service.taskDefinition,
        count: service.desiredCount,
        launchType: "FARGATE",
        networkConfiguration: service.networkConfiguration,
        tags,
      }),
    );
    process.stdout.write(`started ${service.desiredCount} task(s) of ${service.serviceName}\n`);
  }
  return 0;
}

function run(step, env) {
  if (typeof step === "function") return step(env).catch((error) => {
    process.stderr.write(`${error.message}\n`);
    return 1;
  });
  const args = step;
  process.stdout.write(`\n$ racknet ${args.join(" ")}\n`);
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [racknet, ...args], { cwd: root, env, stdio: ["ignore", "inherit", "inherit"] });
    child.on("exit", (code) => resolve(code ?? 1));
  });
}

const moto = await startMoto();
process.stdout.write(`moto_server (patched to behave like AWS, see scripts/moto/launch.py) on ${moto.endpoint}\n`);
let failed = 0;
try {
  const env = {
    ...process.env,
    AWS_ENDPOINT_URL: moto.endpoint,
    AWS_REGION: "us-east-1",
    AWS_ACCESS_KEY_ID: "demo",
    AWS_SECRET_ACCESS_KEY: "demo",
    AWS_PROFILE: "",
  };
  delete env.AWS_PROFILE;
  await keepEcsTasksRunning(moto.endpoint);
  for (const step of steps) {
    const code = await run(step, env);
    if (code !== 0) {
      process.stderr.write(`\nstep failed with exit code ${code}: ${typeof step === "function" ? step.name : `racknet ${step.join(" ")}`}\n`);
      failed = code;
      break;
    }
  }
} finally {
  await moto.stop();
}
process.stdout.write(failed === 0 ? "\ndemo complete: moto stopped\n" : "\ndemo failed: moto stopped\n");
process.exitCode = failed;
