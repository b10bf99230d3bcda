/**
 * What the build edge (src/aws/ecr.ts, src/aws/codebuild.ts) reports while it works. It
 * emits these and never formats them; a printer renders them (a line per event in CI; on
 * a terminal, the phase and the latest log lines). `imageUri` names the image throughout.
 */
export type BuildEvent =
  | { type: "repository-created"; repository: string; uri: string }
  | { type: "repository-deleted"; repository: string }
  /** The image with this content tag is already in ECR: no upload, no build. */
  | { type: "image-cached"; imageUri: string; services: string[] }
  | { type: "context-uploading"; imageUri: string; bytes: number; bucket: string; key: string }
  /** CodeBuild refused StartBuild for the account's limit (AccountLimitExceededException): racknet tries again after waitMs. */
  | { type: "build-limited"; imageUri: string; waitMs: number; reason: string }
  | { type: "build-started"; imageUri: string; buildId: string; services: string[] }
  /** CodeBuild's phase: SUBMITTED, QUEUED, PROVISIONING, DOWNLOAD_SOURCE, INSTALL, PRE_BUILD, BUILD, POST_BUILD, ... */
  | { type: "build-phase"; imageUri: string; buildId: string; phase: string }
  /** One line the build wrote, as it arrives from CloudWatch Logs. */
  | { type: "build-log"; imageUri: string; buildId: string; line: string }
  | { type: "build-succeeded"; imageUri: string; buildId: string; elapsedMs: number }
  /** `failingLines` first: the root cause, for the printer to show before anything else. */
  | { type: "build-failed"; imageUri: string; buildId: string; status: string; phase?: string; failingLines: string[] }
  /** Ctrl-C (or a sibling build's failure) stopped the build with StopBuild. */
  | { type: "build-stopped"; imageUri: string; buildId: string };

export type BuildListener = (event: BuildEvent) => void;
