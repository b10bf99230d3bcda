import type { BuildEvent, BuildListener } from "../images/events.js";
import type { Progress } from "./printer.js";
import { Waiting } from "./waiting.js";
import { Flag } from "../names/flags.js";

/**
 * Renders what the build edge reports (src/images/events.ts), all on stderr (stdout is for
 * --json and the `racknet build` table). On a terminal: a line per step, the phase as it
 * changes, and the build's own output as it arrives (the CodeBuild agent's bookkeeping left
 * out). In CI: every event and every log line, agent's included, on a line of its own with
 * its UTC timestamp, so the job's log tells the whole story. A failed build prints its
 * failing lines first, the root cause, before the error that ends the command.
 */

/** What one image of a build plan is, as the plan shows it. */
export interface PlannedImageView {
  uri: string;
  services: readonly string[];
  /** The build context, relative to the manifest's folder. */
  path: string;
  files: number;
  bytes: number;
  /** In ECR already: nothing to upload or build. */
  cached: boolean;
}

export interface BuildPlanView {
  app: string;
  repository: { name: string; exists: boolean };
  images: readonly PlannedImageView[];
  /** `--image SERVICE=URI`: run as given, not built. */
  prebuilt: Readonly<Record<string, string>>;
}

/** The CodeBuild agent's own lines: `[Container] 2026/09/16 08:31:07.601108 Entering phase BUILD`. */
const AGENT_LINE = /^\[Container\] /;

export class BuildPrinter {
  private readonly labels = new Map<string, string>();
  /** The builds still running and their phase, for the sign of life below the lines. */
  private readonly running = new Map<string, string>();
  private waiting?: Waiting;

  constructor(
    private readonly printer: Progress,
    private readonly compact: boolean = printer.interactive,
    private readonly now: () => Date = () => new Date(),
  ) {}

  readonly listener: BuildListener = (event) => {
    this.render(event);
    this.follow(event);
  };

  /**
   * A build says nothing for long stretches (PROVISIONING, a long RUN step): on a terminal, a
   * spinner with each running build's phase and time until the last ends. (In CI every event
   * and log line is already a line of its own.)
   */
  private follow(event: BuildEvent): void {
    if (!this.compact) return;
    if (event.type === "build-started") this.running.set(event.imageUri, "SUBMITTED");
    else if (event.type === "build-phase" && this.running.has(event.imageUri)) this.running.set(event.imageUri, event.phase);
    else if (event.type === "build-succeeded" || event.type === "build-failed" || event.type === "build-stopped") this.running.delete(event.imageUri);
    else return;
    if (this.running.size === 0) {
      this.waiting?.end();
      this.waiting = undefined;
      return;
    }
    const label = `building ${[...this.running].map(([uri, phase]) => `${this.label(uri)} (${phase})`).join(", ")}…`;
    if (this.waiting) this.waiting.update(label);
    else this.waiting = new Waiting(this.printer, label).start();
  }

  /** What the deploy or `racknet build` will build, before anything is uploaded. */
  plan(view: BuildPlanView): void {
    const { paint } = this.printer;
    const toBuild = view.images.filter((image) => !image.cached).length;
    const repository = view.repository.exists ? view.repository.name : `${view.repository.name} (to be created)`;
    this.printer.info(`${paint.bold(`Build plan for app ${view.app}`)}: ${toBuild} of ${view.images.length} image(s) to build; ECR repository ${repository}`);
    for (const image of view.images) {
      this.labels.set(image.uri, image.services.join(", "));
      const what = image.cached ? paint.dim("in ECR already: nothing to build") : `build from ${image.path} (${image.files} files, ${size(image.bytes)})`;
      this.printer.info(`  ${image.services.join(", ")}: ${tagOf(image.uri)}  ${what}`);
    }
    for (const [service, uri] of Object.entries(view.prebuilt)) this.printer.info(`  ${service}: ${uri}  ${paint.dim(`prebuilt (${Flag.image}): not built`)}`);
  }

  render(event: BuildEvent): void {
    const { paint } = this.printer;
    switch (event.type) {
      case "repository-created":
        return this.line(`ECR repository ${event.repository} created`);
      case "repository-deleted":
        return this.line(`ECR repository ${event.repository} deleted`);
      case "image-cached":
        this.labels.set(event.imageUri, event.services.join(", "));
        return this.line(`${this.label(event.imageUri)}: ${tagOf(event.imageUri)} is in ECR already; nothing to build`);
      case "context-uploading":
        return this.line(`${this.label(event.imageUri)}: uploading the build context (${size(event.bytes)}) to s3://${event.bucket}/${event.key}`);
      case "build-limited":
        return this.line(`${this.label(event.imageUri)}: CodeBuild refused to start the build for the account's limit on builds (${event.reason}); trying again in ${Math.round(event.waitMs / 1000)}s`);
      case "build-started":
        this.labels.set(event.imageUri, event.services.join(", "));
        return this.line(`${this.label(event.imageUri)}: build ${event.buildId} started`);
      case "build-phase":
        return this.line(`${this.label(event.imageUri)}: ${this.compact ? paint.cyan(event.phase) : `phase ${event.phase}`}`);
      case "build-log":
        if (this.compact) {
          if (!AGENT_LINE.test(event.line)) this.printer.info(paint.dim(`  │ ${event.line}`));
          return;
        }
        return this.line(`${this.label(event.imageUri)} | ${event.line}`);
      case "build-succeeded":
        return this.done(`${this.label(event.imageUri)}: built and pushed ${event.imageUri} in ${Math.round(event.elapsedMs / 1000)}s`);
      case "build-failed":
        return this.failed(event);
      case "build-stopped":
        return this.line(`${this.label(event.imageUri)}: build ${event.buildId} stopped (StopBuild)`);
    }
  }

  private failed(event: Extract<BuildEvent, { type: "build-failed" }>): void {
    const { paint } = this.printer;
    const where = event.phase ? ` in its ${event.phase} phase` : "";
    this.printer.info(paint.red(paint.bold(`${this.label(event.imageUri)}: the build ended ${event.status}${where}; the root cause, from its log:`)));
    if (event.failingLines.length === 0) this.printer.info(`  ${paint.dim("(the build wrote no output before it failed)")}`);
    for (const line of event.failingLines) this.printer.info(`  ${paint.red("│")} ${line}`);
  }

  private label(imageUri: string): string {
    return this.labels.get(imageUri) ?? tagOf(imageUri);
  }

  private line(text: string): void {
    if (this.compact) this.printer.step(text);
    else this.printer.info(`${this.now().toISOString()} ${text}`);
  }

  private done(text: string): void {
    if (this.compact) this.printer.success(text);
    else this.printer.info(`${this.now().toISOString()} ${text}`);
  }
}

/** `…/prod/shop:src-1a2b…` → `src-1a2b…` */
function tagOf(imageUri: string): string {
  const name = imageUri.split("/").at(-1) ?? imageUri;
  return name.includes(":") ? name.slice(name.indexOf(":") + 1) : name;
}

function size(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
}
