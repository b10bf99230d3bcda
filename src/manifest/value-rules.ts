/**
 * Rules on a service's values that the schema accepts in general but racknet cannot honour
 * in a particular case: a flag Fargate refuses when true, a context path outside the app,
 * `${NAME}` where the app environment would be written into the template, an image name
 * ECS would refuse. Each problem names its key (file:line) and never quotes a value that
 * may be a secret. Pure.
 */
import { posix } from "node:path";
import { parseFamiliarName } from "@swimlane/docker-reference";
import type { Problem } from "../errors/index.js";
import { scalesOnQueueDepth, type Service } from "./model.js";
import { ALB_IDLE_TIMEOUT } from "../rack/params.js";
import type { PathSegment } from "./source.js";
import { linkVariable } from "../names/index.js";
import { probeRules } from "./probe-rules.js";

type Fields = Record<string, unknown>;
type Note = (list: Problem[], segments: readonly PathSegment[], message: string, fix?: string) => void;

const isRecord = (value: unknown): value is Fields => value !== null && typeof value === "object" && !Array.isArray(value);

/** The rack's HTTPS load balancers close a connection idle this long unless LoadBalancerIdleTimeout says otherwise (the ALB default). */
export const LOAD_BALANCER_IDLE_SECONDS = ALB_IDLE_TIMEOUT.default;
/** A network load balancer's TLS listener closes a connection idle this long, and it cannot be changed (docs/aws-limits.md). */
export const NLB_TLS_IDLE_SECONDS = 350;
/** The least a network load balancer's TCP listener idles (`tcp.idle_timeout.seconds`, 60–6000; the schema keeps timeout within 6000). */
export const NLB_TCP_IDLE_MIN_SECONDS = 60;

/**
 * `timeout`: how long a connection may idle. The rack's HTTPS load balancers are shared by every
 * app of the rack and idle for its LoadBalancerIdleTimeout (1–4000, 60 by default): above 4000 no
 * rack can serve it; above the rack's value a deploy refuses it (rules.ts, which knows the rack);
 * the service's own nlb: TCP listeners idle for `timeout` (at least 60); its TLS listeners for
 * 350 s, which AWS does not let anyone change.
 */
function timeoutRules(service: Service, timeout: number, note: Note, problems: Problem[], warnings: Problem[]): void {
  const path = ["services", service.name, "timeout"];
  const base = `services.${service.name}`;
  if (service.port && timeout > ALB_IDLE_TIMEOUT.max) {
    note(problems, path, `${base}.timeout is ${timeout} seconds; an HTTPS load balancer closes a connection idle for at most ${ALB_IDLE_TIMEOUT.max} (AWS's limit)`, `write timeout: ${ALB_IDLE_TIMEOUT.max} or less, stream a response to keep the connection busy, or serve the long connections on an nlb: TCP port (its idle timeout follows timeout:, up to 6000)`);
  } else if (service.port && timeout < LOAD_BALANCER_IDLE_SECONDS) {
    note(warnings, path, `${base}.timeout is ${timeout} seconds; the rack's load balancers let a request idle for ${LOAD_BALANCER_IDLE_SECONDS} by default (LoadBalancerIdleTimeout), longer than asked (nothing is cut short)`, `write timeout: ${LOAD_BALANCER_IDLE_SECONDS} to silence this warning`);
  }
  const tls = service.nlb.findIndex((port) => port.protocol === "tls");
  if (tls >= 0 && timeout > NLB_TLS_IDLE_SECONDS) {
    note(problems, path, `${base}.timeout is ${timeout} seconds; the TLS listener of ${base}.nlb[${tls}] closes a connection idle for ${NLB_TLS_IDLE_SECONDS}, and AWS lets nobody change that`, `write timeout: ${NLB_TLS_IDLE_SECONDS} or less, or end TLS in the service behind a protocol: tcp port`);
  }
}

/** ECS: an image reference of at most 255 characters, no whitespace or control characters. */
export const IMAGE_MAX = 255;

/** Keys whose value may hold `${NAME}`: environment defaults (interpolated into SSM) and string commands (a shell expands them). */
const INTERPOLATED_KEYS = new Set(["environment", "command", "annotations", "ingressAnnotations", "labels", "certificate", "dnsConfig", "domain", "ports", "test"]);

export function valueRules(service: Service, fields: Fields, note: Note, problems: Problem[], warnings: Problem[]): void {
  const path = ["services", service.name];
  const base = `services.${service.name}`;
  const agent = fields.agent === true || (isRecord(fields.agent) && fields.agent.enabled !== false);
  if (agent) note(problems, [...path, "agent"], `${base}.agent asks for one task per instance, and Fargate has no instances: ECS runs daemon services on EC2 only`, "remove agent: (or run the agent as a sidecar in each task's image)");
  if (fields.privileged === true) note(problems, [...path, "privileged"], `${base}.privileged: Fargate does not run privileged containers`, "remove privileged: true");
  if (fields.grpcHealthEnabled === true) note(problems, [...path, "grpcHealthEnabled"], `${base}.grpcHealthEnabled: racknet checks health over HTTP(S) on health.path`, "serve an HTTP health path and remove grpcHealthEnabled:");
  if (isRecord(fields.tls) && fields.tls.redirect === false) {
    note(problems, [...path, "tls", "redirect"], `${base}.tls.redirect: false asks for plain HTTP, and racknet's load balancers answer HTTP only with a redirect to HTTPS`, "remove tls: (clients must use HTTPS)");
  }
  if (typeof fields.timeout === "number") timeoutRules(service, fields.timeout, note, problems, warnings);
  countRules(service, fields, path, note, problems);
  scalingRules(service, fields, path, note, problems);
  probeRules(service, fields, note, problems);
  imageRules(service, path, note, problems);
  buildRules(service, path, note, problems);
  interpolationRules(service, fields, path, note, problems);
  // No condition on a rule admits everybody: an empty list must not read as "no whitelist".
  if ((typeof fields.whitelist === "string" || Array.isArray(fields.whitelist)) && service.whitelist.length === 0) {
    note(problems, [...path, "whitelist"], `${base}.whitelist is empty, which would admit everybody, not nobody`, "list the ranges to admit (whitelist: 10.0.0.0/8,192.0.2.0/24), or remove whitelist: to admit everybody");
  }
  if (service.whitelist.length > 0 && !service.port) {
    note(warnings, [...path, "whitelist"], `${base} has no port, so no load balancer reaches it and whitelist restricts nothing (its private-network callers are rack members)`, "remove whitelist:, or give the service a port");
  }
}

/** The schema's limit on a count, which a range (text) cannot state in JSON Schema. */
export const COUNT_MAX = 1000;

function countRules(service: Service, fields: Fields, path: string[], note: Note, problems: Problem[]): void {
  const { min, max } = service.scale;
  if (min <= max && max <= COUNT_MAX) return;
  const scale = fields.scale;
  const [segments, raw] = isRecord(scale) ? [[...path, "scale", "count"], scale.count] : [[...path, "scale"], scale];
  const written = typeof raw === "string" ? raw.trim() : `${min}-${max}`;
  const [low, high] = [Math.min(min, max, COUNT_MAX), Math.min(Math.max(min, max), COUNT_MAX)];
  note(problems, segments, `services.${service.name}.${isRecord(scale) ? "scale.count" : "scale"} ${written} must be a range from 0 to ${COUNT_MAX} tasks, the smaller number first`, `write count: ${low}-${high}`);
}

/** The only KEDA trigger racknet can map to Application Auto Scaling: an SQS queue's backlog, read from CloudWatch. */
export const SQS_TRIGGER = "aws-sqs-queue";

/**
 * Target tracking reads the metric once a minute and does nothing without data
 * (Amazon ECS Developer Guide, "Use a target metric to scale Amazon ECS services"): at 0 tasks
 * there is no CPU, memory or request count per task, and no running task to divide a backlog by,
 * so a service autoscaled from 0 would stay at 0. KEDA refuses minReplicaCount 0 for cpu and
 * memory triggers for the same reason, and Convox 3 allows `min: 0` only with a trigger that can
 * wake the service (its autoscaleCanScaleToZero): here, `autoscale.queueDepth`.
 */
function scalingRules(service: Service, fields: Fields, path: string[], note: Note, problems: Problem[]): void {
  const scale = isRecord(fields.scale) ? fields.scale : undefined;
  if (!scale) return;
  const base = `services.${service.name}.scale`;
  const lists: [string[], unknown][] = [
    [["keda", "triggers"], isRecord(scale.keda) ? scale.keda.triggers : undefined],
    [["autoscale", "custom"], isRecord(scale.autoscale) ? scale.autoscale.custom : undefined],
  ];
  for (const [segments, list] of lists) {
    if (!Array.isArray(list)) continue;
    list.forEach((trigger, index) => {
      if (!isRecord(trigger) || typeof trigger.type !== "string" || trigger.type === SQS_TRIGGER) return;
      note(problems, [...path, "scale", ...segments, index, "type"], `${base}.${segments.join(".")}[${index}] is a KEDA ${trigger.type} trigger; racknet maps only ${SQS_TRIGGER} to Application Auto Scaling`, `scale on a CloudWatch metric with ${base}.targets.custom (Namespace/MetricName: {aggregate, value}), or on cpu or memory`);
    });
  }
  const { min, max } = service.scale;
  // A queue depth can be published by what fills the queue while the service runs nothing: its wake alarm (app-scaling.ts) starts the first task.
  if (min === 0 && max > 0 && !scalesOnQueueDepth(service)) {
    const segments = "min" in scale ? ["scale", "min"] : "count" in scale ? ["scale", "count"] : ["scale"];
    note(problems, [...path, ...segments], `${base} autoscales from 0 tasks, and Application Auto Scaling never scales a service out of 0: at 0 tasks its metrics have no data`, `start at 1 task (min: 1), or keep a fixed count of 0 (min: 0 without max or autoscale) and raise it when the service should run`);
  }
}

function imageRules(service: Service, path: string[], note: Note, problems: Problem[]): void {
  const image = service.image;
  if (image === undefined) return;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0020\u007f]/.test(image)) {
    note(problems, [...path, "image"], `services.${service.name}.image holds a space or a control character, which no image name has`, "write the image as registry/name:tag, for example nginx:1.27");
  } else if (image.length > IMAGE_MAX) {
    note(problems, [...path, "image"], `services.${service.name}.image is ${image.length} characters long; ECS takes at most ${IMAGE_MAX}`, "use a shorter repository name or a tag instead of a digest");
  } else if (!VARIABLE.test(image) && !isImageReference(image)) {
    // Not quoted: what fails docker's grammar may be a credential (`user:secret@registry/app:1`).
    note(problems, [...path, "image"], `services.${service.name}.image is not an image reference docker accepts ([registry/]name[:tag][@digest], lowercase name)`, "write the image as registry/name:tag, for example nginx:1.27; a registry's credentials never go in the reference (ECS pulls from ECR with the task's execution role)");
  }
}

/** Docker's own grammar (distribution/reference, through @swimlane/docker-reference), as `docker pull` reads it. */
function isImageReference(image: string): boolean {
  try {
    parseFamiliarName(image);
    return true;
  } catch {
    return false;
  }
}

/** A context or Dockerfile outside the app's folder would send files the app does not own to the build. */
function buildRules(service: Service, path: string[], note: Note, problems: Problem[]): void {
  const build = service.build;
  if (!build) return;
  const escapes = (relative: string) => posix.isAbsolute(relative) || /^[A-Za-z]:[\\/]/.test(relative) || posix.normalize(relative.replace(/\\/g, "/")).split("/")[0] === "..";
  if (escapes(build.path)) {
    note(problems, [...path, "build"], `services.${service.name}.build: the context ${build.path} is outside the app's folder`, "move the context into the folder of convox.yml (build: . or build: ./api)");
  } else if (escapes(posix.join(build.path.replace(/\\/g, "/"), build.dockerfile.replace(/\\/g, "/")))) {
    note(problems, [...path, "build", "manifest"], `services.${service.name}.build.manifest: the Dockerfile ${build.dockerfile} is outside the app's folder`, "keep the Dockerfile inside the build context");
  }
}

const VARIABLE = /\$\{([^}]*)\}/;

/**
 * Convox replaces `${NAME}` anywhere in convox.yml with the app environment's value. racknet
 * writes no app environment value into a template, so it interpolates only where the value
 * stays out of it: environment defaults (stored in SSM) and string commands (run by a shell,
 * which expands the variable from the container's own environment).
 */
function interpolationRules(service: Service, fields: Fields, path: string[], note: Note, problems: Problem[]): void {
  const base = `services.${service.name}`;
  for (const [key, value] of Object.entries(fields)) {
    if (key === "command" && Array.isArray(value) && value.some((word) => typeof word === "string" && VARIABLE.test(word))) {
      note(problems, [...path, "command"], `${base}.command is a list, which runs without a shell, so \${...} in it would reach the process as written`, 'write the command as a string (command: "bin/web --token ${TOKEN}"): a shell expands it from the container\'s environment');
    } else if (!INTERPOLATED_KEYS.has(key) && holdsVariable(value)) {
      note(problems, [...path, key], `${base}.${key} uses \${...}; racknet does not put app environment values into the CloudFormation template`, `write the value itself in convox.yml; \${NAME} works in environment: defaults and in a string command`);
    }
  }
  if (service.command?.shell) {
    const resources = Array.isArray(fields.resources) ? fields.resources.filter((name): name is string => typeof name === "string") : [];
    const declared = new Set([...service.environment.map((entry) => entry.key), ...service.links.map(linkVariable), ...resources.map(linkVariable)]);
    const names = [...service.command.text.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g)].map((match) => match[1] ?? "");
    const unknown = [...new Set(names)].filter((name) => !declared.has(name) && !service.environmentAll && !name.startsWith("RACKNET_"));
    for (const name of unknown) {
      note(problems, [...path, "command"], `${base}.command uses \${${name}}, which is not in ${base}.environment, so the container would not have it`, `add ${name} to ${base}.environment (the value comes from racknet env set ${name}=...)`);
    }
  }
}

/** True when a string anywhere in the value holds `${...}` (aliases can make the value circular: each node is seen once). */
function holdsVariable(value: unknown, seen = new Set<unknown>()): boolean {
  if (typeof value === "string") return VARIABLE.test(value);
  if (value === null || typeof value !== "object" || seen.has(value)) return false;
  seen.add(value);
  return (Array.isArray(value) ? value : Object.values(value)).some((item) => holdsVariable(item, seen));
}
