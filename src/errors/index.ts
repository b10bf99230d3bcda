/**
 * Failures the user can act on. Anything else that reaches the top is a bug
 * and is reported as one. Exit codes (SPEC section 1) are decided here only.
 */
export const ExitCode = {
  ok: 0,
  refused: 1,
  usage: 2,
  awsFailed: 3,
  /** `--dry-run --exit-code` found changes; `rack drift` found drift. */
  changesPending: 4,
  /** An internal error: a bug in racknet, not the user's input nor AWS. */
  bug: 70,
  /** Ctrl-C, as shells report SIGINT. */
  interrupted: 130,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** The `code` of the JSON error object, by exit code: what a script branches on. */
export const ERROR_CODES: Readonly<Record<ExitCode, string>> = {
  0: "ok",
  1: "refused",
  2: "usage",
  3: "aws-operation-failed",
  4: "changes-pending",
  70: "bug",
  130: "interrupted",
};

export class UserError extends Error {
  readonly exitCode: ExitCode = ExitCode.refused;
  /** What to do about it, shown on its own line after the message. */
  readonly fix?: string;
  constructor(message: string, options: { fix?: string; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = "UserError";
    this.fix = options.fix;
  }
}

/** Bad command line: unknown flag, missing argument (exit 2). */
export class UsageError extends UserError {
  override readonly exitCode: ExitCode = ExitCode.usage;
  constructor(message: string, options: { fix?: string } = {}) {
    super(message, options);
    this.name = "UsageError";
  }
}

/** An AWS operation started and failed: the stack rolled back or is stuck (exit 3). */
export class AwsOperationFailed extends UserError {
  override readonly exitCode: ExitCode = ExitCode.awsFailed;
  constructor(message: string, options: { fix?: string; cause?: unknown } = {}) {
    super(message, options);
    this.name = "AwsOperationFailed";
  }
}

/** The user pressed Ctrl-C; the message says what happens to work already sent to AWS. */
export class Interrupted extends UserError {
  override readonly exitCode: ExitCode = ExitCode.interrupted;
  constructor(message: string, options: { fix?: string } = {}) {
    super(message, options);
    this.name = "Interrupted";
  }
}

/** Several independent problems found in one pass (manifest, parameters): all reported at once. */
export class ValidationErrors extends UserError {
  readonly problems: readonly Problem[];
  constructor(summary: string, problems: readonly Problem[]) {
    super(summary);
    this.name = "ValidationErrors";
    this.problems = problems;
  }
}

export interface Problem {
  /** `convox.yml:12:5` or a parameter name; absent when the problem has no place. */
  where?: string;
  /** `services.api.port`, when the problem is in a manifest. */
  path?: string;
  message: string;
  fix?: string;
}
