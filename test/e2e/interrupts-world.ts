/**
 * What the fault-and-interrupt suite (test/e2e/interrupts-*.e2e.test.ts) shares: one moto behind the fault proxy (faults at a
 * chosen rate, and a chosen call held while the test presses Ctrl-C), the built CLI, and the
 * end state of a rack as it is compared between an interrupted-then-rerun run and an
 * uninterrupted one: its stacks and what they say, what racknet keeps outside them (SSM,
 * ACM, KMS, S3 uploads), pending change sets. Everything named after the rack is written
 * with `<rack>`, so two racks' states compare.
 */
import { ListChangeSetsCommand, ListStacksCommand } from "@aws-sdk/client-cloudformation";
import { ListCertificatesCommand, ListTagsForCertificateCommand } from "@aws-sdk/client-acm";
import { paginateGetParametersByPath, type Parameter } from "@aws-sdk/client-ssm";
import { ListObjectsV2Command } from "@aws-sdk/client-s3";
import { DescribeKeyCommand, KMSClient } from "@aws-sdk/client-kms";
import { awsClients, awsEnv, describeTestStack, startMoto, type MotoServer } from "../support/moto.js";
import { startFaultProxy, type FaultProxy } from "../support/fault-proxy.js";
import { join } from "node:path";
import { expect } from "vitest";
import { hasStackTrace, runCli, spawnCli, type CliResult } from "../support/cli.js";

const root = join(import.meta.dirname, "..", "..");
export const PUBLIC_WEB = join(root, "test", "fixtures", "apps", "public-web.yml");
export const INTERNAL_API = join(root, "test", "fixtures", "apps", "internal-api.yml");

/** mulberry32, as the fault proxy: the same seed picks the same steps. */
export function pick<T>(items: readonly T[], count: number, salt: number): T[] {
  if (process.env.RACKNET_INTERRUPTS === "all") return [...items];
  let state = (Number(process.env.RACKNET_INTERRUPTS_SEED ?? 20261201) + salt) >>> 0;
  const random = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return [...items].sort(() => random() - 0.5).slice(0, count);
}

export function interrupted(result: CliResult): void {
  expect(result.stderr).not.toSatisfy(hasStackTrace);
  expect(result.code, result.stderr).toBe(130);
}

/** Runs racknet in the world; it must succeed. */
export async function succeeds(world: World, ...args: string[]): Promise<CliResult> {
  const result = await world.cli(...args);
  expect(result.stderr).not.toSatisfy(hasStackTrace);
  expect(result.code, `racknet ${args.join(" ")}\n${result.stderr}`).toBe(0);
  return result;
}

export interface Point {
  name: string;
  operation: string;
  nth: number;
  /** For apps delete: which app (its manifest decides which steps it has). */
  app?: { name: string; manifest: string };
  /** The call is in the command's last step: it completes, and so does the command (exit 0, saying so). */
  last?: boolean;
}

/** Exit 130, or, when the held call was the last step's, exit 0 saying the Ctrl-C came too late to matter. */
export function interruptedAt(point: Point, result: CliResult): void {
  if (!point.last) return interrupted(result);
  expect(result.stderr).not.toSatisfy(hasStackTrace);
  expect([0, 130], result.stderr).toContain(result.code);
  if (result.code === 0) expect(result.stderr).toContain("Ctrl-C came during the last step, which completed");
}

export interface World {
  moto: MotoServer;
  proxy: FaultProxy;
  env: NodeJS.ProcessEnv;
  aws: ReturnType<typeof awsClients>;
  kms: KMSClient;
  cli(...args: string[]): Promise<CliResult>;
  /** Ctrl-C while racknet waits on the `nth` call of `operation` (held at the proxy), then the call goes through. */
  interruptAt(operation: string, nth: number, args: string[]): Promise<CliResult>;
  /** Hold the `nth` call of `operation`: resolves once racknet waits on it; `release()` lets it through. */
  hold(operation: string, nth: number): { reached: Promise<void>; release: () => void };
  stop(): Promise<void>;
}

export async function startWorld(): Promise<World> {
  // An account of its own: the held calls and the seeded faults meet the same calls on every
  // run only when no other file's racks change what racknet reads.
  const moto = await startMoto({ own: true });
  let gate: { operation: string; left: number; reached: () => void; release: Promise<void> } | undefined;
  const proxy = await startFaultProxy({
    target: moto.endpoint,
    rate: 0,
    seed: 20261201,
    hold: (operation) => {
      if (!gate || gate.operation !== operation) return undefined;
      gate.left -= 1;
      if (gate.left > 0) return undefined;
      const { reached, release } = gate;
      gate = undefined;
      reached();
      return release;
    },
  });
  const env = awsEnv(proxy.endpoint);
  const config = { endpoint: moto.endpoint, region: "us-east-1", credentials: { accessKeyId: "testing", secretAccessKey: "testing" } };
  const hold = (operation: string, nth: number) => {
    let reached!: () => void;
    let release!: () => void;
    const reachedPromise = new Promise<void>((resolve) => (reached = resolve));
    const releasePromise = new Promise<void>((resolve) => (release = resolve));
    gate = { operation, left: nth, reached, release: releasePromise };
    return { reached: reachedPromise, release };
  };
  return {
    moto,
    proxy,
    env,
    aws: awsClients(moto.endpoint, { maxAttempts: 10 }),
    kms: new KMSClient(config),
    cli: (...args) => runCli(args, { env }),
    hold,
    async interruptAt(operation, nth, args) {
      const held = hold(operation, nth);
      const run = spawnCli(args, { env });
      // The held call is never reached when the command ends before it: the test sees that run's end.
      const reachedOrDone = await Promise.race([held.reached.then(() => "reached" as const), run.done.then(() => "done" as const)]);
      if (reachedOrDone === "reached") {
        run.interrupt();
        // Let racknet take the signal before the held answer arrives (see hardening.e2e.test.ts).
        await new Promise((resolve) => setTimeout(resolve, 300));
      }
      gate = undefined;
      held.release();
      return run.done;
    },
    async stop() {
      await proxy.stop();
      await moto.stop();
    },
  };
}

/** The rack's end state, with its name written `<rack>`: what must be equal between two runs. */
export async function endState(world: World, rack: string): Promise<string[]> {
  const { aws } = world;
  const lines: string[] = [];
  const summaries = (await aws.cloudFormation.send(new ListStacksCommand({}))).StackSummaries ?? [];
  const stacks = summaries.filter((summary) => summary.StackStatus !== "DELETE_COMPLETE" && (summary.StackName === rack || summary.StackName?.startsWith(`${rack}-`)));
  const rackStack = stacks.some((summary) => summary.StackName === rack) ? await describeTestStack(aws.cloudFormation, rack) : undefined;
  for (const summary of stacks.sort((a, b) => (a.StackName ?? "").localeCompare(b.StackName ?? ""))) {
    const name = summary.StackName ?? "";
    const stack = await describeTestStack(aws.cloudFormation, name);
    const status = stack.status.replace(/^(CREATE|UPDATE)_COMPLETE$/, "COMPLETE");
    if (name === rack) {
      lines.push(`stack <rack> ${status} Private=${stack.parameters.Private} Internal=${stack.parameters.Internal}`);
    } else {
      const subnets = stack.parameters.ServiceSubnets === rackStack?.outputs.PrivateSubnets ? "private" : stack.parameters.ServiceSubnets === rackStack?.outputs.PublicSubnets ? "public" : "other";
      lines.push(`stack ${name.replace(rack, "<rack>")} ${status} subnets=${subnets} AssignPublicIp=${stack.parameters.AssignPublicIp}`);
    }
    const pending = ((await aws.cloudFormation.send(new ListChangeSetsCommand({ StackName: stack.id }))).Summaries ?? []).filter(
      (changeSet) => changeSet.StackId === stack.id && changeSet.ExecutionStatus !== "EXECUTE_COMPLETE",
    );
    for (const changeSet of pending) lines.push(`pending change set on ${name.replace(rack, "<rack>")}: ${changeSet.ChangeSetName}`);
    const bucket = stack.outputs.TemplateBucket;
    if (bucket) {
      const uploads = (await aws.s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: "racknet/templates/" }))).KeyCount ?? 0;
      if (uploads > 0) lines.push(`${uploads} template upload(s) left in the rack's bucket`);
    }
  }
  // Every page: Parameter Store answers 10 a page, and a rack keeps more than 10.
  const parameters: Parameter[] = [];
  for await (const page of paginateGetParametersByPath({ client: aws.ssm }, { Path: `/racknet/${rack}/`, Recursive: true })) parameters.push(...(page.Parameters ?? []));
  for (const parameter of parameters) lines.push(`ssm ${(parameter.Name ?? "").replace(`/racknet/${rack}/`, "/racknet/<rack>/")}`);
  const certificates = (await aws.acm.send(new ListCertificatesCommand({ Includes: { keyTypes: ["EC_prime256v1", "RSA_2048"] } }))).CertificateSummaryList ?? [];
  for (const certificate of certificates) {
    const tags = (await aws.acm.send(new ListTagsForCertificateCommand({ CertificateArn: certificate.CertificateArn }))).Tags ?? [];
    const own = tags.find((tag) => tag.Key === "racknet:rack")?.Value === rack;
    if (own) lines.push(`certificate ${tags.find((tag) => tag.Key === "racknet:cert")?.Value ?? "?"}${tags.some((tag) => tag.Key === "racknet:app") ? " (an app's)" : ""}`);
  }
  const key = await world.kms.send(new DescribeKeyCommand({ KeyId: `alias/racknet/${rack}/ca` })).then(
    (found) => found.KeyMetadata?.KeyState ?? "?",
    () => undefined,
  );
  if (key) lines.push(`kms alias/racknet/<rack>/ca ${key}`);
  return lines.sort();
}

/** What would be an orphan once the rack is gone: anything of its name left at all. */
export async function leftovers(world: World, rack: string): Promise<string[]> {
  return endState(world, rack);
}
