import { CloudFormationClient, DescribeStacksCommand } from "@aws-sdk/client-cloudformation";
import { EC2Client } from "@aws-sdk/client-ec2";
import { ElasticLoadBalancingV2Client, paginateDescribeLoadBalancers, type LoadBalancer } from "@aws-sdk/client-elastic-load-balancing-v2";
import { Route53Client } from "@aws-sdk/client-route-53";
import { ACMClient } from "@aws-sdk/client-acm";
import { SSMClient } from "@aws-sdk/client-ssm";
import { ECSClient } from "@aws-sdk/client-ecs";
import { S3Client } from "@aws-sdk/client-s3";
import { CloudWatchLogsClient, CreateLogGroupCommand } from "@aws-sdk/client-cloudwatch-logs";
import { ApplicationAutoScalingClient, paginateDescribeScalableTargets, type ScalableTarget } from "@aws-sdk/client-application-auto-scaling";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { inject } from "vitest";
import { alive } from "./moto-pool.js";

/**
 * moto_server for the e2e tests: the launcher in scripts/ (patched to behave like AWS, see
 * scripts/moto/launch.py), the environment a racknet subprocess needs to reach it, and SDK
 * clients for asserting on what exists afterwards.
 */
export interface MotoServer {
  /** `http://127.0.0.1:PORT` */
  endpoint: string;
  port: number;
  stop(): Promise<void>;
}

interface LaunchedMoto extends MotoServer {
  pid: number;
}

interface MotoLauncher {
  keepEcsTasksRunning(endpoint: string): Promise<void>;
  startMoto(options?: { port?: number; accountQuotas?: Record<string, number>; logFile?: string; forkServer?: string }): Promise<LaunchedMoto>;
}

/**
 * The test account's raised quotas: the e2e files of a worker install their racks in one
 * shared account, far more than AWS's defaults allow (5 Elastic IPs, 5 VPCs a region). The
 * refusal at the defaults is tested with `accountQuotas: {}` (test/e2e/quotas.e2e.test.ts).
 */
export const TEST_ACCOUNT_QUOTAS: Record<string, number> = {
  "ec2/L-0263D0A3": 1000,
  "vpc/L-F678F1CE": 500,
  "vpc/L-A4707A72": 500,
  "vpc/L-FE5A380F": 500,
};

const REGION = "us-east-1";
const launcherUrl = new URL("../../scripts/moto-server.mjs", import.meta.url).href;

export interface MotoOptions {
  port?: number;
  /** The account's applied quotas instead of TEST_ACCOUNT_QUOTAS (`{}`: AWS's defaults); implies `own`. */
  accountQuotas?: Record<string, number>;
  /**
   * A server of this test file's own, stopped by its `stop()`, for a test that needs an account
   * no other file touches (quotas at their defaults, a world it tears down). Without it (and
   * without `port` or `accountQuotas`), an e2e file gets its worker's shared server.
   */
  own?: boolean;
}

/**
 * A patched moto_server on 127.0.0.1 that answers. In the e2e project, by default the one
 * this worker shares among its files (its `stop()` does nothing; the run stops it): every
 * test works on rack and app names of its own, and never assumes an empty account.
 */
export async function startMoto(options: MotoOptions = {}): Promise<MotoServer> {
  const { own, ...launch } = options;
  const pool = motoPool();
  if (pool && !own && launch.port === undefined && launch.accountQuotas === undefined) return sharedMoto(pool);
  const launcher = (await import(launcherUrl)) as MotoLauncher;
  // In the e2e project, forked from the run's fork server (test/support/moto-pool.ts), its output in the pool's directory.
  const forked = pool ? { forkServer: inject("motoForkServer"), logFile: join(pool, `moto-own-${process.pid}-${(ownServers += 1)}.log`) } : {};
  return launcher.startMoto({ accountQuotas: TEST_ACCOUNT_QUOTAS, ...forked, ...launch }).catch((error: unknown) => failedFork(error, pool));
}

/** A server that could not be forked: the error with the end of the fork server's log (test/support/moto-pool.ts), where its cause is. */
function failedFork(error: unknown, pool: string | undefined): never {
  const log = pool ? join(pool, "fork-server.log") : undefined;
  if (!log || !existsSync(log) || !(error instanceof Error)) throw error;
  throw new Error(`${error.message}\n--- the fork server's log ---\n${readFileSync(log, "utf8").slice(-5_000).trim()}`);
}

let ownServers = 0;

/** The e2e project's directory of shared servers (test/support/moto-pool.ts); undefined elsewhere. */
function motoPool(): string | undefined {
  try {
    return inject("motoPool");
  } catch {
    return undefined;
  }
}

let shared: Promise<MotoServer> | undefined;

/**
 * This worker slot's shared server: the one recorded in the pool directory for
 * VITEST_POOL_ID if it still answers, else a new one recorded there. Two files that run at
 * the same time are in different slots, so each server serves one file at a time.
 */
function sharedMoto(pool: string): Promise<MotoServer> {
  shared ??= (async () => {
    const slot = process.env.VITEST_POOL_ID ?? "0";
    const record = join(pool, `moto-${slot}.json`);
    if (existsSync(record)) {
      const { endpoint, port, pid } = JSON.parse(readFileSync(record, "utf8")) as { endpoint: string; port: number; pid: number };
      // Its process too: were it gone, another server (another run's) could hold its port now.
      if (alive(pid) && (await answers(endpoint))) return { endpoint, port, stop: async () => undefined };
    }
    const launcher = (await import(launcherUrl)) as MotoLauncher;
    const moto = await launcher.startMoto({ accountQuotas: TEST_ACCOUNT_QUOTAS, logFile: join(pool, `moto-${slot}.log`), forkServer: inject("motoForkServer") }).catch((error: unknown) => failedFork(error, pool));
    // One behaviour for every file, whatever ran before it in this account.
    await launcher.keepEcsTasksRunning(moto.endpoint);
    writeFileSync(record, JSON.stringify({ endpoint: moto.endpoint, port: moto.port, pid: moto.pid }));
    return { endpoint: moto.endpoint, port: moto.port, stop: async () => undefined };
  })();
  shared.catch(() => {
    shared = undefined;
  });
  return shared;
}

async function answers(endpoint: string): Promise<boolean> {
  try {
    const response = await fetch(`${endpoint}/moto-api/`, { signal: AbortSignal.timeout(5_000) });
    await response.arrayBuffer();
    return true;
  } catch {
    return false;
  }
}

/**
 * The environment of a racknet subprocess pointed at moto: the caller's environment without
 * any AWS profile or credentials of its own, plus fake credentials and the endpoint.
 */
export function awsEnv(endpoint: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (key.startsWith("AWS_") || key === "RACKNET_RACK" || key === "FORCE_COLOR") continue;
    env[key] = value;
  }
  return {
    ...env,
    AWS_ENDPOINT_URL: endpoint,
    AWS_REGION: REGION,
    AWS_ACCESS_KEY_ID: "testing",
    AWS_SECRET_ACCESS_KEY: "testing",
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
    // No shared config or credentials file from the machine running the tests.
    AWS_CONFIG_FILE: "/nonexistent/racknet-test-aws-config",
    AWS_SHARED_CREDENTIALS_FILE: "/nonexistent/racknet-test-aws-credentials",
    AWS_EC2_METADATA_DISABLED: "true",
    NO_COLOR: "1",
    ...extra,
  };
}

export interface AwsTestClients {
  cloudFormation: CloudFormationClient;
  ec2: EC2Client;
  elbv2: ElasticLoadBalancingV2Client;
  route53: Route53Client;
  acm: ACMClient;
  ssm: SSMClient;
  ecs: ECSClient;
  s3: S3Client;
}

export interface ClientOptions {
  /** The SDK's retry budget; raise it when talking through the fault proxy. */
  maxAttempts?: number;
}

/** SDK v3 clients for assertions, pointed at the endpoint with fake credentials. */
export function awsClients(endpoint: string, options: ClientOptions = {}): AwsTestClients {
  const config = {
    endpoint,
    region: REGION,
    credentials: { accessKeyId: "testing", secretAccessKey: "testing" },
    maxAttempts: options.maxAttempts ?? 3,
  };
  return {
    cloudFormation: new CloudFormationClient(config),
    ec2: new EC2Client(config),
    elbv2: new ElasticLoadBalancingV2Client(config),
    route53: new Route53Client(config),
    acm: new ACMClient(config),
    ssm: new SSMClient(config),
    ecs: new ECSClient(config),
    s3: new S3Client({ ...config, forcePathStyle: true }),
  };
}

export interface TestStack {
  id: string;
  status: string;
  parameters: Record<string, string>;
  outputs: Record<string, string>;
}

/** A stack as the tests look at it: its id, status, and parameters and outputs as maps. */
export async function describeTestStack(cfn: CloudFormationClient, name: string): Promise<TestStack> {
  const found = (await cfn.send(new DescribeStacksCommand({ StackName: name }))).Stacks?.[0];
  return {
    id: found?.StackId ?? "",
    status: found?.StackStatus ?? "",
    parameters: Object.fromEntries((found?.Parameters ?? []).map((p) => [p.ParameterKey ?? "", p.ParameterValue ?? ""])),
    outputs: Object.fromEntries((found?.Outputs ?? []).map((o) => [o.OutputKey ?? "", o.OutputValue ?? ""])),
  };
}

/**
 * The ECS scalable targets of one rack's cluster. The e2e files share moto servers, so other
 * files' racks have targets too (a service named Web in two racks): never look across them.
 */
export async function rackScalableTargets(endpoint: string, cfn: CloudFormationClient, rack: string): Promise<ScalableTarget[]> {
  const cluster = (await describeTestStack(cfn, rack)).outputs.Cluster ?? "";
  const name = cluster.split("/").pop() ?? cluster;
  if (!name) throw new Error(`rack ${rack} has no Cluster output`);
  const scaling = new ApplicationAutoScalingClient({ endpoint, region: "us-east-1", credentials: { accessKeyId: "testing", secretAccessKey: "testing" } });
  // Every page: moto answers 50 targets a page, and the shared account holds more than that.
  const targets: ScalableTarget[] = [];
  for await (const page of paginateDescribeScalableTargets({ client: scaling }, { ServiceNamespace: "ecs" })) targets.push(...(page.ScalableTargets ?? []));
  return targets.filter((target) => target.ResourceId?.startsWith(`service/${name}/`));
}

/**
 * Every load balancer of the account, all pages (moto answers 50 a page, as AWS answers up to
 * 400): the shared account holds other files' racks, so a first page may not hold this one's.
 */
export async function allLoadBalancers(elbv2: ElasticLoadBalancingV2Client): Promise<LoadBalancer[]> {
  const balancers: LoadBalancer[] = [];
  for await (const page of paginateDescribeLoadBalancers({ client: elbv2 }, {})) balancers.push(...(page.LoadBalancers ?? []));
  return balancers;
}

/** A log group made outside racknet (a name a rack's template would take), for tests of a failed creation. */
export async function createLogGroup(endpoint: string, name: string): Promise<void> {
  const logs = new CloudWatchLogsClient({ endpoint, region: "us-east-1", credentials: { accessKeyId: "testing", secretAccessKey: "testing" } });
  await logs.send(new CreateLogGroupCommand({ logGroupName: name }));
}

/** moto moves an ECS task one state on at every read; on AWS a task stays RUNNING until it stops. */
export async function keepEcsTasksRunning(endpoint: string): Promise<void> {
  const launcher = (await import(launcherUrl)) as MotoLauncher;
  await launcher.keepEcsTasksRunning(endpoint);
}
