/**
 * racknet's own command-line flags that its messages and examples name, in one place: the
 * declarations (src/cli.ts for the global ones, src/commands/ for a command's) declare them by
 * these, and every message that tells a person to add or drop one names it by these, so a
 * renamed flag cannot leave a message naming the old one (test/unit/names-one-home.test.ts).
 * Another program's flags are not racknet's and are not here, though some are spelled alike
 * (`aws ... --region`, `iconv -f`): the one-home test counts a flag as that program's when the
 * program is named before it in the same command. Nor are commander's --help and --version.
 */
export const Flag = {
  rack: "--rack",
  region: "--region",
  profile: "--profile",
  /** The manifest file, as messages name it (its long form, --file, is declared beside it). */
  file: "-f",
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
