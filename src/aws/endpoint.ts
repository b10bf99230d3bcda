import { Readable } from "node:stream";
import { UsageError, UserError } from "../core/errors.js";

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
  const sources: Array<[string, string | undefined]> = [["--region", flag], ["AWS_REGION", env.AWS_REGION], ["AWS_DEFAULT_REGION", env.AWS_DEFAULT_REGION]];
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
export function refuseHtmlAnswers(client: { middlewareStack: MiddlewareStack }): void {
  const middleware = (next: (args: unknown) => Promise<{ response?: unknown }>) => async (args: unknown) => {
    const result = await next(args);
    const response = (result.response ?? {}) as RawResponse;
    const type = Object.entries(response.headers ?? {}).find(([key]) => key.toLowerCase() === "content-type")?.[1] ?? "";
    if (!/^\s*text\/html/i.test(type) || !isReadable(response.body)) return result;
    const body = await collect(response.body);
    if (looksLikeHtml(body.subarray(0, 512).toString("utf8"))) throw notAws(response.statusCode);
    response.body = Readable.from([body]);
    return result;
  };
  client.middlewareStack.add(middleware as never, { step: "deserialize", priority: "low", name: "racknetRefuseHtmlAnswers" } as never);
}

function isReadable(body: unknown): body is Readable {
  return body instanceof Readable;
}

async function collect(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks);
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
