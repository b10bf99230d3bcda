import type { Readable } from "node:stream";
import { UserError } from "../errors/index.js";
import { shownUrl } from "./endpoint.js";

/**
 * Waits that must end. The request handler bounds the connection, the wait for the answer's
 * headers and each silence on the socket; an endpoint that sends its headers and then one byte
 * every few seconds passes all three, so the whole answer has a deadline of its own. A profile
 * whose credential_process never returns would hold racknet before its first call: the
 * credentials have one too. Each says what was waited for.
 */

interface RawResponse {
  body?: unknown;
}

interface MiddlewareStack {
  add: (middleware: never, options: never) => void;
}

/** An error the retry strategy and describeAwsError read as a timeout (src/aws/retry.ts). */
function answerTimeout(ms: number): Error {
  const endpoint = process.env.AWS_ENDPOINT_URL;
  return Object.assign(new Error(`timed out: the answer ${endpoint ? `of ${shownUrl(endpoint)} ` : ""}kept arriving for ${Math.round(ms / 1000)} s without ending`), { name: "TimeoutError", code: "ETIMEDOUT" });
}

/** The whole answer (its body, after the headers) within `ms`, or the body is cut with a timeout. */
export function limitAnswerTime(client: { middlewareStack: MiddlewareStack }, ms: number): void {
  const middleware = (next: (args: unknown) => Promise<{ response?: unknown }>) => async (args: unknown) => {
    const result = await next(args);
    const body = ((result.response ?? {}) as RawResponse).body;
    if (!isStream(body)) return result;
    const timer = setTimeout(() => body.destroy(answerTimeout(ms)), ms);
    timer.unref();
    const clear = () => clearTimeout(timer);
    body.once("end", clear);
    body.once("close", clear);
    body.once("error", clear);
    return result;
  };
  client.middlewareStack.add(middleware as never, { step: "deserialize", priority: "low", name: "racknetAnswerDeadline" } as never);
}

function isStream(body: unknown): body is Readable {
  return typeof body === "object" && body !== null && typeof (body as Readable).destroy === "function" && typeof (body as Readable).once === "function";
}

/** The credentials within `ms`, or a user error naming what was waited for (a credential_process, SSO, a container or instance role). */
export function credentialsWithDeadline<O, T>(provider: (options?: O) => Promise<T>, ms: number, profile: string | undefined): (options?: O) => Promise<T> {
  return (options) =>
    new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        const source = profile ? `profile ${profile} (its credential_process, SSO login or role)` : "the credential chain (environment, profiles, SSO, container or instance role)";
        reject(new UserError(`waited ${Math.round(ms / 1000)} s for AWS credentials from ${source} and got none; nothing was changed`, { fix: "run the profile's credential_process (or `aws sts get-caller-identity --profile ...`) by hand to see why it does not answer, then run the command again" }));
      }, ms);
      provider(options).then(
        (value) => {
          clearTimeout(timer);
          resolve(value);
        },
        (error: unknown) => {
          clearTimeout(timer);
          reject(error);
        },
      );
    });
}
