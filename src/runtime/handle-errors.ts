import { ExitCode, UserError, ValidationErrors } from "../core/errors.js";
import { describeAwsError } from "../aws/errors.js";
import type { Printer } from "../ui/printer.js";

/** Turns any error into what the user reads and the exit code. The one place that decides both. */
export function handleError(error: unknown, printer: Printer): ExitCode {
  if (error instanceof ValidationErrors) {
    printer.error(error.message, { problems: error.problems });
    return error.exitCode;
  }
  if (error instanceof UserError) {
    printer.error(error.message, { fix: error.fix });
    return error.exitCode;
  }
  const aws = describeAwsError(error);
  if (aws) {
    printer.error(aws.message, { fix: aws.fix });
    return aws.exitCode;
  }
  const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
  printer.error("racknet hit an internal error (a bug): please report it with the command you ran.", {
    debug: detail,
  });
  return ExitCode.bug;
}
