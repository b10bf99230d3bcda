/**
 * racknet's own command-line flags that its messages and examples name, in one place: the
 * declarations (src/cli.ts for the global ones, src/commands/ for a command's) declare them by
 * these, and every message that tells a person to add or drop one names it by these, so a
 * renamed flag cannot leave a message naming the old one (test/unit/names-one-home.test.ts).
 * Another program's flags (`aws ... --region`) are not racknet's and are not here; nor, for now,
 * racknet's own --region, --profile and -f/--file, which its messages also write inside `aws` and
 * `docker` commands (the one-home test could not tell the two apart), nor commander's --help and --version.
 */
export const Flag = {
  rack: "--rack",
  app: "--app",
  json: "--json",
  timeout: "--timeout",
  service: "--service",
  task: "--task",
  yes: "--yes",
  dryRun: "--dry-run",
  exitCode: "--exit-code",
  allowDestroy: "--allow-destroy",
  requireApproval: "--require-approval",
  peerRegion: "--peer-region",
  peerProfile: "--peer-profile",
  debug: "--debug",
  noColor: "--no-color",
  private: "--private",
  apps: "--apps",
  image: "--image",
  reveal: "--reveal",
  rackParams: "--rack-params",
  fromFile: "--from-file",
  minify: "--minify",
  count: "--count",
  cpu: "--cpu",
  memory: "--memory",
  detach: "--detach",
  since: "--since",
  follow: "--follow",
  page: "--page",
  perPage: "--per-page",
} as const;
