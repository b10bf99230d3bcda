#!/usr/bin/env node
// An HTTP proxy in front of moto that gives it AWS's timing, so that tools can be compared on
// how they wait for CloudFormation rather than on process start-up. moto answers every call in
// a few ms and runs change sets synchronously; through this proxy:
//   * every request waits `latencyMs` before it is forwarded (an AWS API round trip);
//   * a change set shows CREATE_PENDING, then CREATE_IN_PROGRESS (no Changes, ExecutionStatus
//     UNAVAILABLE) for `changeSetMs(stack)` after CreateChangeSet, and ExecuteChangeSet is
//     refused meanwhile with InvalidChangeSetStatus;
//   * a stack operation (ExecuteChangeSet, CreateStack, UpdateStack, DeleteStack) shows its
//     stack X_IN_PROGRESS for `holdMs(stack, op)` from the moment the request arrived (no
//     Outputs while creating), leaves the stack's own *_COMPLETE event out, and releases the
//     operation's resource events one by one over 90% of the hold (see cfn-timing.mjs).
// Listens on 127.0.0.1 only. Node standard library only. For measuring, not for correctness tests.
//
// Every call is kept (and written as a JSON line when `log` is given):
//   { "start": ms, "end": ms, "action", "service", "stack", "status", "agent" }   one per request
//   { "event": "changeset", "stack", "start": ms, "ready": ms }                   CreateChangeSet
//   { "event": "execute", "stack", "op", "start": ms, "release": ms }             a stack operation
// Times are epoch milliseconds with fractions. `release` is when the final status first shows.
//
// Run on its own: node scripts/bench/awslike-proxy.mjs --upstream http://127.0.0.1:5000 --port 5001 \
//   [--latency-ms 80] [--hold-s 17-23] [--changeset-s 2-4] [--seed 7] [--log calls.jsonl]
import { EventEmitter } from "node:events";
import { createWriteStream } from "node:fs";
import { createServer, request as httpRequest } from "node:http";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { createCloudFormationTiming } from "./cfn-timing.mjs";
import { between, seededRandom } from "./random.mjs";

const HOST = "127.0.0.1";
const HOP_BY_HOP = new Set(["connection", "keep-alive", "proxy-connection", "transfer-encoding", "te", "trailer", "upgrade", "content-length", "expect"]);
// Answers stay plain text so that they can be rewritten.
const NOT_FORWARDED = new Set([...HOP_BY_HOP, "accept-encoding"]);
const CLOUDFORMATION_ACTIONS = new Set(["DescribeStacks", "DescribeStackEvents", "DescribeChangeSet", "ExecuteChangeSet", "CreateChangeSet"]);

export const clock = () => performance.timeOrigin + performance.now();
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function readBody(request) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    request.on("data", (chunk) => chunks.push(chunk));
    request.on("end", () => resolve(Buffer.concat(chunks)));
    request.on("error", reject);
  });
}

/** REST operations (Route 53, S3) by method and path, so that the log names them as the others. */
const REST_OPERATIONS = [
  ["route53", "GET", /^\/2013-04-01\/hostedzone\/[^/]+\/rrset\/?$/, "ListResourceRecordSets"],
  ["route53", "POST", /^\/2013-04-01\/hostedzone\/[^/]+\/rrset\/?$/, "ChangeResourceRecordSets"],
  ["route53", "GET", /^\/2013-04-01\/hostedzone\/[^/]+$/, "GetHostedZone"],
  ["route53", "GET", /^\/2013-04-01\/hostedzone\/?$/, "ListHostedZones"],
  ["route53", "GET", /^\/2013-04-01\/hostedzonesbyname$/, "ListHostedZonesByName"],
  ["route53", "GET", /^\/2013-04-01\/change\/[^/]+$/, "GetChange"],
  ["s3", "PUT", /^\/[^/]+\/.+/, "PutObject"],
  ["s3", "GET", /^\/[^/]+\/.+/, "GetObject"],
  ["s3", "HEAD", /^\/[^/]+\/.+/, "HeadObject"],
  ["s3", "PUT", /^\/[^/]+\/?$/, "CreateBucket"],
  ["s3", "HEAD", /^\/[^/]+\/?$/, "HeadBucket"],
];

function restOperation(service, method, path) {
  return REST_OPERATIONS.find(([s, m, pattern]) => s === service && m === method && pattern.test(path))?.[3] ?? `${method} ${path}`;
}

/** The request's action, service (from the SigV4 credential scope) and string parameters. */
export function describeRequest(method, url, headers, body) {
  const service = /Credential=[^/]+\/[^/]+\/[^/]+\/([^/]+)\//.exec(String(headers.authorization ?? ""))?.[1] ?? null;
  const target = headers["x-amz-target"];
  if (target) {
    let params = {};
    try {
      const data = JSON.parse(body.toString("utf8") || "{}");
      params = Object.fromEntries(Object.entries(data).filter(([, value]) => typeof value === "string"));
    } catch {
      // Not JSON: no parameters to read.
    }
    return { action: String(target).split(".").at(-1), service, params };
  }
  const parsed = new URL(url, "http://proxy");
  const params = {};
  if (String(headers["content-type"] ?? "").includes("x-www-form-urlencoded")) {
    for (const [key, value] of new URLSearchParams(body.toString("utf8"))) params[key] ??= value;
  }
  for (const [key, value] of parsed.searchParams) params[key] ??= value;
  return { action: params.Action ?? restOperation(service, method, parsed.pathname), service, params: params.Action ? params : {} };
}

function forward(upstream, request, body) {
  return new Promise((resolve, reject) => {
    const headers = {};
    for (const [key, value] of Object.entries(request.headers)) if (!NOT_FORWARDED.has(key)) headers[key] = value;
    if (body.length > 0 || ["POST", "PUT", "PATCH"].includes(request.method)) headers["content-length"] = String(body.length);
    const outgoing = httpRequest({ host: upstream.hostname, port: upstream.port, method: request.method, path: request.url, headers }, (response) => {
      const chunks = [];
      response.on("data", (chunk) => chunks.push(chunk));
      response.on("end", () => resolve({ status: response.statusCode ?? 502, headers: response.headers, body: Buffer.concat(chunks) }));
      response.on("error", reject);
    });
    outgoing.on("error", reject);
    outgoing.end(body);
  });
}

/**
 * Starts the proxy; resolves once it listens.
 * @param {{ upstream: string, port?: number, latencyMs?: number, holdMs?: (stack: string, op: string) => number,
 *   changeSetMs?: (stack: string) => number, resourceEvents?: boolean, log?: string }} options
 */
export async function startAwsLikeProxy({ upstream, port = 0, latencyMs = 80, holdMs = () => 20_000, changeSetMs = () => 3_000, resourceEvents = true, log }) {
  const target = new URL(upstream);
  const timing = createCloudFormationTiming({ holdMs, changeSetMs, resourceEvents });
  const entries = [];
  const events = new EventEmitter();
  const file = log ? createWriteStream(log, { flags: "a" }) : undefined;
  const record = (entry) => {
    entries.push(entry);
    file?.write(`${JSON.stringify(entry)}\n`);
    events.emit(entry.event ?? "call", entry);
  };

  const server = createServer(async (request, response) => {
    const arrived = clock();
    const body = await readBody(request);
    const { action, service, params } = describeRequest(request.method, request.url, request.headers, body);
    const cloudFormation = service === "cloudformation" || (service === null && CLOUDFORMATION_ACTIONS.has(action));
    const stack = cloudFormation ? timing.stackOf(action, params) : null;
    await sleep(latencyMs);

    let reply = cloudFormation ? timing.refusal(action, params, stack, clock()) : undefined;
    let headers = { "content-type": "text/xml" };
    if (!reply) {
      try {
        const answer = await forward(target, request, body);
        headers = answer.headers;
        reply = { status: answer.status, body: answer.body };
      } catch (error) {
        reply = { status: 502, body: `upstream: ${error.message}` };
        headers = { "content-type": "text/plain" };
      }
    }
    if (cloudFormation) {
      const text = Buffer.isBuffer(reply.body) ? reply.body.toString("utf8") : reply.body;
      const answer = timing.answer({ action, params, stack, status: reply.status, body: text, arrived, now: clock() });
      reply = answer;
      if (answer.changeSet) record({ event: "changeset", ...answer.changeSet });
      if (answer.operation) record({ event: "execute", ...answer.operation });
    }

    const payload = Buffer.isBuffer(reply.body) ? reply.body : Buffer.from(reply.body, "utf8");
    for (const [key, value] of Object.entries(headers)) if (!HOP_BY_HOP.has(key) && key !== "date" && key !== "server") response.setHeader(key, value);
    response.setHeader("content-length", request.method === "HEAD" ? String(headers["content-length"] ?? 0) : String(payload.length));
    response.writeHead(reply.status);
    response.end(request.method === "HEAD" ? undefined : payload, () => {
      const agent = String(request.headers["user-agent"] ?? "").split(" ")[0];
      record({ start: arrived, end: clock(), action, service, stack, status: reply.status, agent });
    });
  });
  server.keepAliveTimeout = 60_000;

  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, HOST, resolve);
  });
  const address = server.address();
  const chosen = typeof address === "object" && address ? address.port : port;
  return {
    endpoint: `http://${HOST}:${chosen}`,
    port: chosen,
    /** Every call and event so far, in the order they finished. */
    entries: () => entries,
    /** `execute`, `changeset` and `call` events, each with its log entry. */
    on: (name, listener) => events.on(name, listener),
    off: (name, listener) => events.off(name, listener),
    stop: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => (file ? file.end(resolve) : resolve()));
      }),
  };
}

/** "17-23" -> [17, 23]; "20" -> [20, 20]. */
function range(text) {
  const [low, high = low] = text.split("-").map(Number);
  if (!(low > 0 && high >= low)) throw new Error(`expected seconds like 20 or 17-23, got ${text}`);
  return [low, high];
}

const runDirectly = process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1];
if (runDirectly) {
  const { values } = parseArgs({
    options: {
      upstream: { type: "string" },
      port: { type: "string", default: "0" },
      "latency-ms": { type: "string", default: "80" },
      "hold-s": { type: "string", default: "17-23" },
      "changeset-s": { type: "string", default: "2-4" },
      seed: { type: "string", default: "7" },
      log: { type: "string" },
      "no-resource-events": { type: "boolean", default: false },
    },
  });
  if (!values.upstream) throw new Error("--upstream http://127.0.0.1:PORT (moto) is required");
  const random = seededRandom(Number(values.seed));
  const [holdLow, holdHigh] = range(values["hold-s"]);
  const [setLow, setHigh] = range(values["changeset-s"]);
  const proxy = await startAwsLikeProxy({
    upstream: values.upstream,
    port: Number(values.port),
    latencyMs: Number(values["latency-ms"]),
    holdMs: () => between(random, holdLow, holdHigh) * 1000,
    changeSetMs: () => between(random, setLow, setHigh) * 1000,
    resourceEvents: !values["no-resource-events"],
    log: values.log,
  });
  process.stderr.write(`AWS-timing proxy on ${proxy.endpoint} -> ${values.upstream}, ${values["latency-ms"]} ms a call, stack operations ${values["hold-s"]} s, change sets ${values["changeset-s"]} s\n`);
  process.stdout.write(`${proxy.endpoint}\n`);
  const shutdown = () => proxy.stop().then(() => process.exit(0));
  process.on("SIGINT", shutdown);
  process.on("SIGTERM", shutdown);
}
