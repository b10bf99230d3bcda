import { Readable } from "node:stream";
import { AwsOperationFailed, UsageError, UserError } from "../errors/index.js";
import { Flag } from "../names/flags.js";

/**
 * Where AWS is, when the user says: `AWS_ENDPOINT_URL` (and the per-service
 * `AWS_ENDPOINT_URL_<SERVICE>`, https://docs.aws.amazon.com/sdkref/latest/guide/feature-ss-endpoints.html).
 * A value that is not an http(s) URL is a usage error (exit 2), said before any call, instead
 * of the SDK's TypeError (a bug, exit 70). And an answer that is a web page (an emulator not
 * started behind a web server, a proxy's login page) is not AWS saying "nothing here": it is
 * refused instead of being read as an empty list ("no racks", exit 0).
 */

/** The value as it may be shown: no user:password, no control characters, not a page long. */
export function shownUrl(value: string): string {
  const printable = value.replace(/[\u0000-\u001f\u007f-\u009f]/g, "?").replace(/\/\/[^/@\s]*@/, "//****@");
  return printable.length > 80 ? `${printable.slice(0, 77)}...` : printable;
}

/** The problem with one endpoint setting, if any. */
export function endpointUrlProblem(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return "is not a URL";
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return `uses ${url.protocol.replace(/:$/, "")}, not http or https`;
  if (!url.hostname) return "has no host";
  return undefined;
}

/** Every endpoint setting in the environment checked at once; the first bad one is a usage error. */
export function assertEndpointSettings(env: NodeJS.ProcessEnv = process.env): void {
  for (const [name, value] of Object.entries(env)) {
    if (!/^AWS_ENDPOINT_URL(_[A-Z0-9_]+)?$/.test(name) || value === undefined || value === "") continue;
    const problem = endpointUrlProblem(value);
    if (problem) {
      throw new UsageError(`${name} ${problem}: "${shownUrl(value)}"`, {
        fix: `set it to the endpoint's URL, such as http://127.0.0.1:5000 for a local moto_server, or unset it to reach AWS itself (\`unset ${name}\`)`,
      });
    }
  }
}

/**
 * A region the SDK can put in a host name (it refuses anything else with a plain Error,
 * which would read as a bug): letters, digits and dashes, as `us-east-1`. From --region or
 * AWS_REGION / AWS_DEFAULT_REGION; a usage error (exit 2) naming where it came from.
 */
export function assertRegionSetting(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): void {
  const sources: Array<[string, string | undefined]> = [[Flag.region, flag], ["AWS_REGION", env.AWS_REGION], ["AWS_DEFAULT_REGION", env.AWS_DEFAULT_REGION]];
  for (const [source, value] of sources) {
    if (value === undefined || value === "") continue;
    if (/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/i.test(value)) return;
    throw new UsageError(`${source} "${shownUrl(value)}" is not an AWS region name`, { fix: "give a region such as us-east-1 or eu-west-3 (`aws ec2 describe-regions` lists them)" });
  }
}

interface RawResponse {
  statusCode?: number;
  headers?: Record<string, string | undefined>;
  body?: unknown;
}

interface MiddlewareStack {
  add: (middleware: never, options: never) => void;
}

/** What an HTML page starts with (after blanks): AWS's answers are XML (`<?xml`, `<ErrorResponse`) or JSON. */
export function looksLikeHtml(start: string): boolean {
  return /^\s*(<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>])/i.test(start);
}

/**
 * Refuse an HTML answer before the SDK reads it: AWS's APIs answer XML or JSON, never a web
 * page. Innermost in the deserialize step, so it sees the raw HTTP response first. Only an
 * answer labelled text/html is looked into (moto labels its JSON so too): its body is read,
 * judged by how it starts, and handed on intact to the SDK when it is not a page.
 */
export function refuseHtmlAnswers(client: { middlewareStack: MiddlewareStack }, protocol: AnswerProtocol = "rest"): void {
  const middleware = (next: (args: unknown) => Promise<{ response?: unknown }>, context: { commandName?: unknown; clientName?: unknown }) => async (args: unknown) => {
    const result = await next(args);
    const response = (result.response ?? {}) as RawResponse;
    const type = Object.entries(response.headers ?? {}).find(([key]) => key.toLowerCase() === "content-type")?.[1] ?? "";
    const success = (response.statusCode ?? 0) >= 200 && (response.statusCode ?? 0) < 300;
    const html = /^\s*text\/html/i.test(type);
    if (!(html || (success && protocol !== "rest")) || !isReadable(response.body)) return result;
    const body = await collect(response.body, MAX_ANSWER_BYTES);
    if (body === undefined) throw unreadable(context, response.statusCode, `an answer over ${MAX_ANSWER_BYTES / 1_048_576} MB`);
    if (html && looksLikeHtml(body.subarray(0, 512).toString("utf8"))) throw notAws(response.statusCode);
    const wrong = success ? answerShapeProblem(protocol, operationOf(context.commandName), body) : undefined;
    if (wrong) throw unreadable(context, response.statusCode, wrong);
    response.body = Readable.from([body]);
    return result;
  };
  client.middlewareStack.add(middleware as never, { step: "deserialize", priority: "low", name: "racknetRefuseHtmlAnswers" } as never);
}

function isReadable(body: unknown): body is Readable {
  return body instanceof Readable;
}

/** The body, or undefined past `limit` bytes (the rest is not read). */
async function collect(stream: Readable, limit: number): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    if (size > limit) {
      stream.destroy();
      return undefined;
    }
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

/**
 * How a service answers: `query` (CloudFormation, EC2, ELBv2: an XML document whose root is
 * `<OperationResponse>`), `json` (AWS JSON 1.1: a JSON object, or an empty body from an action
 * with no output, such as KMS CreateAlias), `rest`
 * (S3, Route 53, Lambda: shapes vary by operation; only a web page is refused).
 */
export type AnswerProtocol = "query" | "json" | "rest";

/** No answer racknet reads comes near this (a template is 1 MB at most). */
const MAX_ANSWER_BYTES = 32 * 1_048_576;

function operationOf(commandName: unknown): string {
  return typeof commandName === "string" ? commandName.replace(/Command$/, "") : "";
}

/** Why a successful answer is not one this protocol gives, or undefined when it is. */
export function answerShapeProblem(protocol: AnswerProtocol, operation: string, body: Buffer): string | undefined {
  const text = body.toString("utf8").replace(/^\uFEFF/, "").trim();
  if (protocol === "rest") return undefined;
  if (protocol === "json" && (text === "" || text === "null")) {
    // An action with nothing to say answers with an empty body (AWS; moto writes `null`); a read always has something.
    return /^(Describe|List|Get|BatchGet)/.test(operation) ? "an empty answer" : undefined;
  }
  if (text === "") return "an empty answer";
  if (protocol === "json") {
    try {
      const value: unknown = JSON.parse(text);
      return value !== null && typeof value === "object" && !Array.isArray(value) ? undefined : "an answer that is not a JSON object";
    } catch {
      return "an answer that is not JSON";
    }
  }
  const root = /^(?:<\?xml[^>]*\?>\s*)?<([A-Za-z][\w.-]*)[\s>/]/.exec(text)?.[1];
  if (root === undefined) return "an answer that is not XML";
  return operation !== "" && root !== `${operation}Response` ? `an XML answer whose root is <${root}>, not <${operation}Response>` : undefined;
}

function unreadable(context: { commandName?: unknown; clientName?: unknown }, status: number | undefined, what: string): AwsOperationFailed {
  const endpoint = process.env.AWS_ENDPOINT_URL;
  const where = endpoint ? `the endpoint at ${shownUrl(endpoint)} (AWS_ENDPOINT_URL)` : "AWS";
  const call = `${typeof context.clientName === "string" ? `${context.clientName.replace(/Client$/, "")} ` : ""}${operationOf(context.commandName)}`.trim();
  return new AwsOperationFailed(`${where} answered ${call || "a request"} with HTTP ${status ?? "?"} and ${what}, which racknet cannot read; it stopped there`, {
    fix: endpoint ? "check that AWS_ENDPOINT_URL is an AWS API (or its emulator) and healthy, or unset it; then run the command again" : "a proxy may stand in the way: check HTTPS_PROXY and your network, then run the command again",
  });
}

function notAws(status: number | undefined): UserError {
  const endpoint = process.env.AWS_ENDPOINT_URL;
  const where = endpoint ? `the endpoint at ${shownUrl(endpoint)} (AWS_ENDPOINT_URL)` : "the endpoint racknet reached";
  return new UserError(`${where} answered with a web page (HTTP ${status ?? "?"}, text/html), not an AWS API; nothing was read or changed`, {
    fix: endpoint
      ? "point AWS_ENDPOINT_URL at the emulator's API (for moto_server, its http://HOST:PORT), or unset AWS_ENDPOINT_URL to reach AWS"
      : "a proxy or captive portal may stand in the way: check HTTPS_PROXY and your network, then run the command again",
  });
}
