// The two tools under measurement (racknet and `aws cloudformation deploy`) as processes, and
// what the AWS CLI needs to deploy the very template and parameters racknet used.
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { CloudFormationClient, DescribeStacksCommand, GetTemplateCommand } from "@aws-sdk/client-cloudformation";
import { CreateBucketCommand, S3Client } from "@aws-sdk/client-s3";
import { clock } from "./awslike-proxy.mjs";

const REGION = "us-east-1";
/** CloudFormation takes a template body up to 51,200 bytes inline; larger ones go through S3
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_CreateChangeSet.html, TemplateBody). */
const INLINE_TEMPLATE_LIMIT = 51_200;
const TEMPLATE_BUCKET = "racknet-bench-templates";

/** The environment of a tool pointed at `endpoint`: none of the machine's AWS settings, fake credentials. */
export function awsEnv(endpoint) {
  const env = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith("AWS_") && key !== "RACKNET_RACK" && key !== "FORCE_COLOR") env[key] = value;
  }
  return {
    ...env,
    AWS_ENDPOINT_URL: endpoint,
    AWS_REGION: REGION,
    AWS_DEFAULT_REGION: REGION,
    AWS_ACCESS_KEY_ID: "bench",
    AWS_SECRET_ACCESS_KEY: "bench",
    AWS_CONFIG_FILE: "/nonexistent/racknet-bench-aws-config",
    AWS_SHARED_CREDENTIALS_FILE: "/nonexistent/racknet-bench-aws-credentials",
    AWS_EC2_METADATA_DISABLED: "true",
    AWS_PAGER: "",
    NO_COLOR: "1",
  };
}

/**
 * Runs a process to its end; `launch`, `exit` and `firstOutput` (its first byte on stdout or
 * stderr) are on the proxy's clock. `lines` (with `keepLines`): every line it wrote, each with
 * the time it arrived.
 * @returns {Promise<{ launch: number, exit: number, firstOutput: number, lines?: { at: number, text: string }[] }>} rejects with the output's tail on a non-zero exit
 */
export function runProcess(command, args, { env, cwd, keepLines = false }) {
  return new Promise((resolve, reject) => {
    let output = "";
    let firstOutput = Number.NaN;
    const lines = [];
    let partial = "";
    const keep = (chunk) => {
      const at = clock();
      if (Number.isNaN(firstOutput)) firstOutput = at;
      output = (output + chunk.toString()).slice(-4_000);
      if (!keepLines) return;
      const parts = (partial + chunk.toString()).split("\n");
      partial = parts.pop() ?? "";
      for (const text of parts) lines.push({ at, text });
    };
    const launch = clock();
    const child = spawn(command, args, { env, cwd, stdio: ["ignore", "pipe", "pipe"] });
    child.stdout.on("data", keep);
    child.stderr.on("data", keep);
    child.once("error", reject);
    child.once("exit", (code, signal) => {
      const exit = clock();
      if (code === 0) resolve({ launch, exit, firstOutput, ...(keepLines ? { lines } : {}) });
      else reject(new Error(`${command} ${args.join(" ")} exited ${code ?? signal}\n${output.trim()}`));
    });
  });
}

/** Reads stacks from moto directly (not through the proxy): moto has finished a stack as soon as it was executed. */
export function motoReader(motoEndpoint) {
  const config = { endpoint: motoEndpoint, region: REGION, credentials: { accessKeyId: "bench", secretAccessKey: "bench" } };
  const cloudFormation = new CloudFormationClient(config);
  const s3 = new S3Client({ ...config, forcePathStyle: true });
  let bucket;
  return {
    /** The stack's template (minified, as racknet sends it), parameters and outputs. */
    async stack(name) {
      const [{ TemplateBody = "" }, { Stacks = [] }] = await Promise.all([
        cloudFormation.send(new GetTemplateCommand({ StackName: name })),
        cloudFormation.send(new DescribeStacksCommand({ StackName: name })),
      ]);
      const [found] = Stacks;
      if (!found) throw new Error(`moto has no stack ${name}`);
      const pairs = (list, key, value) => Object.fromEntries((list ?? []).map((item) => [item[key], item[value] ?? ""]));
      return {
        template: JSON.stringify(JSON.parse(TemplateBody)),
        parameters: pairs(found.Parameters, "ParameterKey", "ParameterValue"),
        outputs: pairs(found.Outputs, "OutputKey", "OutputValue"),
      };
    },
    /** A bucket for templates over the inline limit, made once. */
    async templateBucket() {
      bucket ??= s3.send(new CreateBucketCommand({ Bucket: TEMPLATE_BUCKET })).then(() => TEMPLATE_BUCKET);
      return bucket;
    },
    close() {
      cloudFormation.destroy();
      s3.destroy();
    },
  };
}

/**
 * `aws cloudformation deploy` of a template and its parameters to `stack`, through `endpoint`.
 * Tags are left out: racknet's tags name its rack, and a copy would make the CLI's stacks look
 * like racknet's apps. They change nothing in the timing.
 */
export async function deployWithAwsCli({ endpoint, stack, template, parameters, work, moto, cwd }) {
  const file = join(work, `${stack}-${Math.round(clock())}.json`);
  writeFileSync(file, template);
  const args = ["cloudformation", "deploy", "--template-file", file, "--stack-name", stack, "--capabilities", "CAPABILITY_IAM"];
  if (Buffer.byteLength(template) > INLINE_TEMPLATE_LIMIT) args.push("--s3-bucket", await moto.templateBucket());
  const overrides = Object.entries(parameters).map(([key, value]) => `${key}=${value}`);
  if (overrides.length > 0) args.push("--parameter-overrides", ...overrides);
  // Named localhost: moto reads a TemplateURL of the endpoint it serves as path-style only when its
  // host is localhost (moto's get_stack_from_s3_url), so an upload through --s3-bucket is found.
  return runProcess("aws", args, { env: awsEnv(endpoint.replace("//127.0.0.1:", "//localhost:")), cwd });
}
