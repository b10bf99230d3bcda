import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";

/**
 * An HTTP proxy in front of moto that answers a share of requests with what AWS does under
 * load: a throttling error in the service's own protocol, a 500/503, or a dropped connection.
 * Each request (a retry too) draws from a seeded RNG, so no request is faulted forever; the
 * faults take the kinds in turn, so four faults cover every kind.
 */
export type FaultKind = "throttle" | "server-error" | "unavailable" | "drop";
export const FAULT_KINDS: readonly FaultKind[] = ["throttle", "server-error", "unavailable", "drop"];

/** How the service speaks: decides the shape of a throttling error. */
export type Protocol = "ec2" | "query" | "json" | "rest-xml" | "rest-json";

export interface FaultProxyOptions {
  /** moto's endpoint, e.g. `http://127.0.0.1:5123`. */
  target: string;
  /** Share of requests faulted, 0..1. */
  rate: number;
  seed?: number;
  kinds?: readonly FaultKind[];
  /** Slow every request down by this long before it reaches moto (moto answers at once; AWS does not). */
  delayMs?: number;
  /** Slow these operations (`CreateChangeSet`, `ExecuteChangeSet`, ...) down by this long, instead of `delayMs`. */
  delays?: Readonly<Record<string, number>>;
  /**
   * Called with each request's operation before it is forwarded; a returned promise holds the
   * request until it settles (a test does something "meanwhile", then lets racknet's call through).
   */
  hold?: (operation: string) => Promise<void> | undefined;
}

export interface FaultStats {
  forwarded: number;
  faulted: number;
  byKind: Record<FaultKind, number>;
  byProtocol: Partial<Record<Protocol, number>>;
}

export interface FaultProxy {
  endpoint: string;
  stats(): FaultStats;
  /** Change the fault rate while running (0 lets everything through). */
  setRate(rate: number): void;
  stop(): Promise<void>;
}

/** mulberry32: small, fast, good enough to spread faults; the same seed gives the same run. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The request's protocol, from what the SDK sends. */
export function protocolOf(method: string, path: string, headers: IncomingMessage["headers"], body: string): Protocol {
  if (headers["x-amz-target"]) return "json";
  if (path.startsWith("/2013-04-01/")) return "rest-xml";
  // S3 answers in XML whatever the object's type (a template is put as application/json).
  if (/\/s3\/aws4_request/.test(String(headers.authorization ?? ""))) return "rest-xml";
  const contentType = String(headers["content-type"] ?? "");
  if (method === "POST" && contentType.includes("x-www-form-urlencoded")) {
    const credential = String(headers.authorization ?? "");
    if (/\/ec2\/aws4_request/.test(credential) || /Action=[A-Za-z]+&Version=2016-11-15/.test(body)) return "ec2";
    return "query";
  }
  if (contentType.includes("json")) return "rest-json";
  // S3 and anything else REST-ish answers in XML.
  return "rest-xml";
}

interface Reply {
  status: number;
  contentType: string;
  body: string;
}

function throttleReply(protocol: Protocol, requestId: string): Reply {
  const message = "Rate exceeded";
  switch (protocol) {
    case "ec2":
      return {
        status: 503,
        contentType: "text/xml",
        body: `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>RequestLimitExceeded</Code><Message>Request limit exceeded.</Message></Error></Errors><RequestID>${requestId}</RequestID></Response>`,
      };
    case "json":
    case "rest-json":
      return {
        status: 400,
        contentType: "application/x-amz-json-1.1",
        body: JSON.stringify({ __type: "ThrottlingException", message }),
      };
    case "rest-xml":
      return {
        status: 400,
        contentType: "text/xml",
        body: `<?xml version="1.0"?>\n<ErrorResponse xmlns="https://route53.amazonaws.com/doc/2013-04-01/"><Error><Type>Sender</Type><Code>Throttling</Code><Message>${message}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
      };
    case "query":
      return {
        status: 400,
        contentType: "text/xml",
        body: `<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code><Message>${message}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
      };
  }
}

function serverErrorReply(protocol: Protocol, status: 500 | 503, requestId: string): Reply {
  const code = status === 500 ? "InternalFailure" : "ServiceUnavailable";
  const message = status === 500 ? "We encountered an internal error. Please try again." : "Service is unavailable. Please try again.";
  if (protocol === "json" || protocol === "rest-json") {
    return { status, contentType: "application/x-amz-json-1.1", body: JSON.stringify({ __type: code, message }) };
  }
  if (protocol === "ec2") {
    return {
      status,
      contentType: "text/xml",
      body: `<Response><Errors><Error><Code>${status === 500 ? "InternalError" : "Unavailable"}</Code><Message>${message}</Message></Error></Errors><RequestID>${requestId}</RequestID></Response>`,
    };
  }
  return {
    status,
    contentType: "text/xml",
    body: `<ErrorResponse><Error><Type>Receiver</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
  };
}

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => resolve(Buffer.concat(chunks)));
    request.on("error", reject);
  });
}

/**
 * Route 53's REST calls racknet makes outside CloudFormation, by their API action (Route 53 API
 * reference, each action's "Request Syntax": e.g. CreateVPCAssociationAuthorization is
 * `POST /2013-04-01/hostedzone/Id/authorizevpcassociation`), so a test can hold them by name.
 */
const ROUTE53_ACTIONS: readonly { method: string; path: RegExp; action: string }[] = [
  { method: "POST", path: /^\/2013-04-01\/hostedzone\/[^/]+\/authorizevpcassociation$/, action: "CreateVPCAssociationAuthorization" },
  { method: "GET", path: /^\/2013-04-01\/hostedzone\/[^/]+\/authorizevpcassociation$/, action: "ListVPCAssociationAuthorizations" },
  { method: "POST", path: /^\/2013-04-01\/hostedzone\/[^/]+\/deauthorizevpcassociation$/, action: "DeleteVPCAssociationAuthorization" },
  { method: "POST", path: /^\/2013-04-01\/hostedzone\/[^/]+\/associatevpc$/, action: "AssociateVPCWithHostedZone" },
  { method: "POST", path: /^\/2013-04-01\/hostedzone\/[^/]+\/disassociatevpc$/, action: "DisassociateVPCFromHostedZone" },
  { method: "GET", path: /^\/2013-04-01\/hostedzone\/[^/]+$/, action: "GetHostedZone" },
];

/**
 * The API operation a request calls: the `Action=` of a query/EC2 request, the part after
 * the dot of a JSON request's X-Amz-Target, the action of a Route 53 REST call racknet makes
 * (method and path, query string aside); "" for other REST calls (S3, the rest of Route 53).
 */
export function operationOf(headers: IncomingMessage["headers"], body: string, method = "", url = ""): string {
  const target = headers["x-amz-target"];
  if (typeof target === "string") return target.slice(target.lastIndexOf(".") + 1);
  const path = url.split("?")[0] ?? "";
  if (path.startsWith("/2013-04-01/")) return ROUTE53_ACTIONS.find((call) => call.method === method && call.path.test(path))?.action ?? "";
  return /(?:^|&)Action=([A-Za-z0-9]+)/.exec(body)?.[1] ?? "";
}

/** Starts the proxy on a free port of 127.0.0.1. */
export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const target = new URL(options.target);
  const kinds = options.kinds && options.kinds.length > 0 ? options.kinds : FAULT_KINDS;
  const random = seededRandom(options.seed ?? 1);
  let rate = options.rate;
  let requests = 0;
  const counts: FaultStats = {
    forwarded: 0,
    faulted: 0,
    byKind: { throttle: 0, "server-error": 0, unavailable: 0, drop: 0 },
    byProtocol: {},
  };
  const sockets = new Set<Socket>();

  const forward = (request: IncomingMessage, response: ServerResponse, body: Buffer) => {
    counts.forwarded += 1;
    const upstream = httpRequest(
      {
        host: target.hostname,
        port: target.port,
        method: request.method,
        path: request.url,
        headers: request.headers,
      },
      (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(response);
      },
    );
    upstream.on("error", (error) => {
      if (!response.headersSent) response.writeHead(502, { "content-type": "text/plain" });
      response.end(`fault proxy: upstream error: ${error.message}`);
    });
    upstream.end(body);
  };

  const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
  const slowDown = async (body: Buffer, request: IncomingMessage): Promise<void> => {
    if (!options.delayMs && !options.delays && !options.hold) return;
    const operation = operationOf(request.headers, body.toString("utf8"), request.method ?? "", request.url ?? "");
    const delay = options.delays?.[operation] ?? options.delayMs ?? 0;
    if (delay > 0) await sleep(delay);
    await options.hold?.(operation);
  };

  const server = createServer((request, response) => {
    void readBody(request).then(async (body) => {
      await slowDown(body, request);
      requests += 1;
      if (random() >= rate) {
        forward(request, response, body);
        return;
      }
      // Whether to fault is random; which fault takes turns, so every kind shows up early.
      const kind = kinds[counts.faulted % kinds.length] ?? "throttle";
      const protocol = protocolOf(request.method ?? "GET", request.url ?? "/", request.headers, body.toString("utf8", 0, 2048));
      counts.faulted += 1;
      counts.byKind[kind] += 1;
      counts.byProtocol[protocol] = (counts.byProtocol[protocol] ?? 0) + 1;
      if (kind === "drop") {
        request.socket.destroy();
        return;
      }
      const requestId = `fault-${requests}`;
      const reply =
        kind === "throttle"
          ? throttleReply(protocol, requestId)
          : serverErrorReply(protocol, kind === "server-error" ? 500 : 503, requestId);
      response.writeHead(reply.status, {
        "content-type": reply.contentType,
        "content-length": Buffer.byteLength(reply.body),
        "x-amzn-requestid": requestId,
        "x-amz-request-id": requestId,
      });
      response.end(reply.body);
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    endpoint: `http://127.0.0.1:${port}`,
    stats: () => ({ ...counts, byKind: { ...counts.byKind }, byProtocol: { ...counts.byProtocol } }),
    setRate: (next) => {
      rate = next;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** The brief's name for it: `start({ target, rate, seed, kinds })`. */
export const start = startFaultProxy;
