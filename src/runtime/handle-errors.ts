import { ERROR_CODES, ExitCode, UserError, ValidationErrors, type Problem } from "../errors/index.js";
import { describeAwsError } from "../aws/errors.js";
import { profileExists } from "../aws/profiles.js";
import type { Printer } from "../ui/printer.js";
import { Flag } from "../names/flags.js";

/** What the user reads about a failure, and the exit code. */
export interface Failure {
  exitCode: ExitCode;
  message: string;
  fix?: string;
  problems?: readonly Problem[];
  /** Shown only with --debug (the stack of a bug). */
  debug?: string;
}

/**
 * Turns any error into what the user reads and the exit code: the one place that decides
 * both. Human text goes to stderr; with --json, one JSON error object (code, message,
 * fix, problems) also goes to stdout, so a script reads the failure where it reads results.
 */
export async function handleError(error: unknown, printer: Printer, settings: { profile?: string } = {}): Promise<ExitCode> {
  const failure = await describeFailure(error, settings);
  printer.error(failure.message, { fix: failure.fix, problems: failure.problems, debug: failure.debug });
  printer.jsonError({ code: ERROR_CODES[failure.exitCode], exitCode: failure.exitCode, message: failure.message, fix: failure.fix, problems: failure.problems });
  return failure.exitCode;
}

export async function describeFailure(error: unknown, settings: { profile?: string } = {}): Promise<Failure> {
  if (error instanceof ValidationErrors) return { exitCode: error.exitCode, message: error.message, problems: error.problems };
  if (error instanceof UserError) return { exitCode: error.exitCode, message: error.message, fix: error.fix };
  const aws = describeAwsError(error);
  if (aws) {
    const profile = settings.profile ?? process.env.AWS_PROFILE;
    if (aws.kind === "no-credentials" && profile && !(await profileExists(profile).catch(() => true))) {
      return {
        exitCode: ExitCode.refused,
        message: `AWS profile "${profile}" is not in your AWS config or credentials file${settings.profile ? "" : " (AWS_PROFILE)"}`,
        fix: `list the profiles with \`aws configure list-profiles\`, then pass one with ${Flag.profile} (or create it with \`aws configure --profile NAME\`)`,
      };
    }
    return { exitCode: aws.exitCode, message: aws.message, fix: aws.fix };
  }
  return {
    exitCode: ExitCode.bug,
    message: "racknet hit an internal error (a bug): please report it with the command you ran.",
    debug: error instanceof Error ? (error.stack ?? error.message) : String(error),
  };
}
