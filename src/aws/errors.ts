import { ExitCode } from "../errors/index.js";
import { isTimeout } from "./retry.js";
import { shownUrl } from "./endpoint.js";
import { Flag } from "../names/flags.js";

export interface DescribedAwsError {
  /** Set where the caller may say more (a named profile that does not exist). */
  kind?: "no-credentials";
  message: string;
  fix?: string;
  exitCode: ExitCode;
}

interface SdkErrorShape {
  name?: string;
  message?: string;
  code?: string;
  $metadata?: { httpStatusCode?: number };
}

/**
 * Errors from the SDK that are not bugs: missing credentials or region, access denied,
 * an endpoint that does not answer. Returns undefined for anything else.
 */
export function describeAwsError(error: unknown): DescribedAwsError | undefined {
  if (!(error instanceof Error)) return undefined;
  const shaped = error as Error & SdkErrorShape;
  const name = shaped.name ?? "";
  const message = shaped.message ?? "";
  if (name === "CredentialsProviderError" || /Could not load credentials/i.test(message)) {
    return {
      kind: "no-credentials",
      message: "no AWS credentials found.",
      fix: `set AWS_PROFILE or pass ${Flag.profile}, or export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (run \`aws sso login\` for SSO profiles)`,
      exitCode: ExitCode.refused,
    };
  }
  if (/Region is missing/i.test(message)) {
    return {
      message: "no AWS region set.",
      fix: `pass ${Flag.region} REGION, or set AWS_REGION, or set a region in your AWS profile`,
      exitCode: ExitCode.refused,
    };
  }
  if (["ExpiredToken", "ExpiredTokenException", "RequestExpired"].includes(name)) {
    return { message: "your AWS credentials have expired.", fix: "refresh them (for SSO: `aws sso login`) and run the command again", exitCode: ExitCode.refused };
  }
  if (["AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "InvalidClientTokenId", "UnrecognizedClientException"].includes(name)) {
    return { message: `AWS refused the request: ${message}`, fix: "check that your credentials allow this action in this account and region", exitCode: ExitCode.refused };
  }
  if (isTimeout(error)) {
    const endpoint = shownEndpoint();
    return {
      message: `AWS${endpoint ? ` at ${endpoint} (AWS_ENDPOINT_URL)` : ""} took the request but did not answer in time, twice: ${message}`,
      fix: endpoint
        ? "check that the emulator at AWS_ENDPOINT_URL is healthy, or unset AWS_ENDPOINT_URL; then run the command again"
        : "check your network (a proxy or firewall that holds connections open?), then run the command again: if it changed AWS, racknet says where things stand",
      exitCode: ExitCode.awsFailed,
    };
  }
  const code = (shaped as { code?: string }).code;
  if (code && ["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "ECONNRESET", "ETIMEDOUT"].includes(code)) {
    const endpoint = shownEndpoint();
    return {
      message: `could not reach AWS${endpoint ? ` at ${endpoint} (AWS_ENDPOINT_URL)` : ""}: ${message || code}`,
      fix: endpoint ? "start the emulator or unset AWS_ENDPOINT_URL" : "check your network connection and try again",
      exitCode: ExitCode.refused,
    };
  }
  if (shaped.$metadata !== undefined) {
    const status = shaped.$metadata.httpStatusCode;
    const endpoint = shownEndpoint();
    if (status !== undefined && status >= 500) {
      return {
        message: `AWS${endpoint ? ` (${endpoint})` : ""} kept failing with HTTP ${status} after every retry${name && name !== "Error" ? ` (${name})` : ""}`,
        fix: `try again in a minute; run with ${Flag.debug} to see each call`,
        exitCode: ExitCode.awsFailed,
      };
    }
    return { message: `AWS refused a request${name && name !== "Error" ? ` (${name})` : ""}: ${message}`, exitCode: ExitCode.awsFailed };
  }
  return undefined;
}

/** AWS_ENDPOINT_URL as it may be shown: its user:password as `****` (docs/safety.md). */
function shownEndpoint(): string | undefined {
  const endpoint = process.env.AWS_ENDPOINT_URL;
  return endpoint ? shownUrl(endpoint) : undefined;
}
