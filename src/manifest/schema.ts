import {
  IGNORED_SCALING_KEYS,
  IGNORED_SERVICE_KEYS,
  IGNORED_TOP_LEVEL_KEYS,
  REFUSED_AUTOSCALE_KEYS,
  REFUSED_KEDA_KEYS,
  REFUSED_QUEUE_DEPTH_KEYS,
  REFUSED_SCALE_KEYS,
  REFUSED_SERVICE_KEYS,
  REFUSED_TARGET_KEYS,
  REFUSED_TOP_LEVEL_KEYS,
  type IgnoredKey,
  type RefusedKey,
} from "./keys.js";
import { resourcesSchema, serviceResourcesSchema } from "./resource-types.js";

/**
 * The JSON Schema of convox.yml (draft-07). It is the source of schemas/convox.schema.json,
 * which editors use through yaml-language-server; a unit test keeps the two identical.
 *
 * `errorMessage` (the keyword VS Code's JSON service reads) holds the sentence racknet
 * prints after the key path, so editors and `racknet manifest check` say the same thing.
 * Every union is inline (no `$ref`) so Ajv's errors can be traced to the branch that failed.
 */

export type JsonSchema = { [key: string]: JsonValue };
type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export const PORT_MESSAGE = 'must be a number 1–65535, "https:3000" or {port: 3000, scheme: https}';
const PORT_NUMBER_MESSAGE = "must be a whole number from 1 to 65535";
const BOOLEAN_MESSAGE = "must be true or false";
const ENV_NAME = "^[A-Za-z_][A-Za-z0-9_]*$";

/** 1–65535 written as digits, optionally after `http:` or `https:`. */
const PORT_TEXT = "^(https?:)?([1-9][0-9]{0,3}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5])$";

function ignored(list: readonly IgnoredKey[]): Record<string, JsonSchema> {
  return Object.fromEntries(list.map(({ key, convox, safe }) => [key, { description: `Convox: ${convox}. racknet ignores it with a warning: ${safe}.` }]));
}

function refused(list: readonly RefusedKey[]): Record<string, JsonSchema> {
  return Object.fromEntries(list.map(({ key, convox, reason }) => [key, { description: `Convox: ${convox}. racknet refuses it: ${reason}.` }]));
}

function seconds(description: string, minimum: number, maximum: number): JsonSchema {
  return { type: "integer", minimum, maximum, description, errorMessage: `must be a whole number of seconds, ${minimum}–${maximum}` };
}

function percent(description: string, minimum: number, maximum: number): JsonSchema {
  return { type: "integer", minimum, maximum, description, errorMessage: `must be a whole number from ${minimum} to ${maximum}` };
}

function flag(description: string): JsonSchema {
  return { type: "boolean", description, errorMessage: BOOLEAN_MESSAGE };
}

function portNumber(description: string): JsonSchema {
  return { type: "integer", minimum: 1, maximum: 65535, description, errorMessage: PORT_NUMBER_MESSAGE };
}

const port: JsonSchema = {
  description: "The port the container listens on. A service with a port gets a load balancer endpoint (HTTPS on 443).",
  errorMessage: PORT_MESSAGE,
  anyOf: [
    portNumber("The container's port; the container speaks HTTP."),
    { type: "string", pattern: PORT_TEXT, description: '"https:3000" when the container speaks HTTPS, "http:3000" for HTTP.', errorMessage: PORT_MESSAGE },
    {
      type: "object",
      description: "The port and the protocol the container speaks on it.",
      required: ["port"],
      additionalProperties: false,
      properties: {
        port: portNumber("The container's port."),
        scheme: { type: "string", enum: ["http", "https"], description: "The protocol the container speaks (default http).", errorMessage: "must be http or https" },
      },
    },
  ],
};

const environment: JsonSchema = {
  description: "Environment variables: a list of NAME=default, NAME (required: set it with racknet env set) and * (every variable of the app environment), or a map NAME: default.",
  errorMessage: "must be a list such as [PORT=3000, LOG_LEVEL] or a map such as {PORT: 3000}",
  anyOf: [
    {
      type: "array",
      items: { type: "string", pattern: `^(\\*|${ENV_NAME.slice(1, -1)}(=[\\s\\S]*)?)$`, errorMessage: 'must be NAME=value, NAME or *, where NAME is letters, digits and underscores, for example "LOG_LEVEL=info"' },
    },
    {
      type: "object",
      propertyNames: { pattern: ENV_NAME },
      additionalProperties: { type: ["string", "number", "boolean", "null"], errorMessage: "must be a single value (text, a number or true/false), not a list or a map" },
    },
  ],
};

const build: JsonSchema = {
  description: "Build the image from source (the rack builds it; see docs/manifest.md): a context path, or {path, manifest, args}. With image:, the build is tagged as that image.",
  errorMessage: 'must be a path such as "." or {path, manifest, args}',
  anyOf: [
    { type: "string" },
    {
      type: "object",
      additionalProperties: false,
      properties: {
        path: { type: "string", description: "The build context, relative to the manifest's folder (default .).", errorMessage: 'must be a path such as "."' },
        manifest: { type: "string", description: "The Dockerfile, relative to the context (default Dockerfile).", errorMessage: "must be a file name such as Dockerfile" },
        args: {
          type: "array",
          description: "Build arguments: NAME=VALUE, or NAME to take the value from the app environment.",
          errorMessage: "must be a list such as [VERSION=1.2, NPM_TOKEN]",
          items: { type: "string", pattern: `${ENV_NAME.slice(0, -1)}(=[\\s\\S]*)?$`, errorMessage: 'must be NAME=VALUE or NAME, for example "VERSION=1.2"' },
        },
      },
    },
  ],
};

const health: JsonSchema = {
  description: "The load balancer's health check: a path, or {path, port, grace, interval, timeout} (seconds).",
  errorMessage: 'must be a path such as "/health" or {path, port, grace, interval, timeout}',
  anyOf: [
    { type: "string", pattern: "^/", errorMessage: 'must be a path starting with "/", such as "/health"' },
    {
      type: "object",
      additionalProperties: false,
      properties: {
        path: { type: "string", pattern: "^/", description: "The path the load balancer requests (default /).", errorMessage: 'must be a path starting with "/", such as "/health"' },
        grace: seconds("Seconds after a task starts before failed checks count (ECS health check grace period; default = interval).", 0, 7200),
        interval: seconds("Seconds between checks (default 5).", 5, 300),
        timeout: seconds("Seconds before a check fails (default interval - 1).", 2, 120),
        port: { ...port, description: "The port the load balancer checks, when not the service's port (a separate health or admin listener); its scheme defaults to the service port's." },
      },
    },
  ],
};

/** The settings Convox 3's liveness and startup probes share (Kubernetes' probe fields). */
const probeSettings: Record<string, JsonSchema> = {
  grace: seconds("Seconds after the task starts before the check counts (default 10; a startup probe's defaults are the liveness check's).", 0, 86400),
  interval: seconds("Seconds between checks (default 5; ECS runs container checks every 5 to 300 seconds).", 5, 300),
  timeout: seconds("Seconds before one check fails (default 5; at most 59, inside ECS's 60-second limit).", 1, 59),
  successThreshold: { type: "integer", minimum: 1, maximum: 1, description: "Successes that make the check pass again: 1 (Kubernetes requires 1 for liveness and startup probes).", errorMessage: "must be 1 (Kubernetes requires 1 for liveness and startup probes)" },
  failureThreshold: { type: "integer", minimum: 1, maximum: 10000, description: "Failures in a row that make the task unhealthy (default 3).", errorMessage: "must be a whole number of failures, at least 1" },
};

const liveness: JsonSchema = {
  type: "object",
  description: "A liveness check: an HTTP path on the service's port (or liveness.port); a task failing it failureThreshold times in a row is replaced (an ECS container health check, run from a sidecar).",
  errorMessage: "must be a map such as {path: /live, interval: 5}",
  required: ["path"],
  additionalProperties: false,
  properties: {
    path: { type: "string", pattern: "^/", description: "The path requested over HTTP.", errorMessage: 'must be a path starting with "/", such as "/live"' },
    port: { ...port, description: "The port checked, when not the service's." },
    ...probeSettings,
  },
};

const startupProbe: JsonSchema = {
  type: "object",
  description: "A startup probe: an HTTP path on the service's port, or a TCP port; until it first succeeds the liveness check waits, and a task that never passes it within grace + interval × failureThreshold is replaced.",
  errorMessage: 'must be a map such as {path: /startup} or {tcpSocketPort: "8080"}',
  additionalProperties: false,
  properties: {
    path: { type: "string", pattern: "^/", description: "The path requested over HTTP on the service's port.", errorMessage: 'must be a path starting with "/", such as "/startup"' },
    tcpSocketPort: { type: ["string", "integer"], pattern: PORT_TEXT.replace("(https?:)?", ""), minimum: 1, maximum: 65535, description: "A port that must accept a TCP connection (Convox writes it as text).", errorMessage: PORT_NUMBER_MESSAGE },
    ...probeSettings,
  },
};

const COUNT_TEXT = "^[0-9]+(-[0-9]+)?$";

const count: JsonSchema = {
  description: 'How many tasks run: 2, a range "1-3" (autoscaling between them), or {min, max}.',
  errorMessage: 'must be a whole number such as 2, a range such as "1-3", or {min, max}',
  anyOf: [
    { type: "integer", minimum: 0, maximum: 1000 },
    { type: "string", pattern: COUNT_TEXT },
    {
      type: "object",
      additionalProperties: false,
      properties: {
        min: { type: "integer", minimum: 0, maximum: 1000, description: "Tasks at least.", errorMessage: "must be a whole number from 0 to 1000" },
        max: { type: "integer", minimum: 0, maximum: 1000, description: "Tasks at most.", errorMessage: "must be a whole number from 0 to 1000" },
      },
    },
  ],
};

/** Convox 2's custom target: `Namespace/MetricName: {aggregate, value, dimensions}` (its ServiceScaleMetrics). */
const customTarget: JsonSchema = {
  type: "object",
  description: "A CloudWatch metric to keep at value per task, keyed Namespace/MetricName (the namespace is everything before the last /).",
  errorMessage: "must be a map such as {aggregate: avg, value: 100, dimensions: {QueueName: jobs}}",
  required: ["value"],
  additionalProperties: false,
  properties: {
    aggregate: { type: "string", enum: ["avg", "max", "min", "sum"], description: "The statistic (default avg): avg, max, min or sum.", errorMessage: "must be avg, max, min or sum" },
    value: { type: "number", exclusiveMinimum: 0, description: "The value to keep the metric at.", errorMessage: "must be a number above 0" },
    dimensions: {
      type: "object",
      description: "The metric's dimensions, name: value.",
      errorMessage: "must be a map such as {QueueName: jobs}",
      additionalProperties: { type: ["string", "number"], errorMessage: "must be a single value" },
    },
  },
};

const targets: JsonSchema = {
  type: "object",
  description: "Autoscaling targets (Application Auto Scaling target tracking), used when count is a range.",
  errorMessage: "must be a map such as {cpu: 70}",
  additionalProperties: false,
  properties: {
    cpu: percent("Average CPU utilisation to keep, percent.", 1, 100),
    memory: percent("Average memory utilisation to keep, percent.", 1, 100),
    requests: { type: "integer", minimum: 1, description: "Requests per task per minute to keep (needs a port).", errorMessage: "must be a whole number of requests, at least 1" },
    custom: {
      type: "object",
      description: "CloudWatch metrics to track (Convox 2), keyed Namespace/MetricName: {aggregate, value, dimensions}.",
      errorMessage: "must be a map such as {AWS/SQS/ApproximateNumberOfMessagesVisible: {aggregate: max, value: 100, dimensions: {QueueName: jobs}}}",
      propertyNames: { pattern: "^[^/]+(/[^/]+)*/[^/]+$", errorMessage: "must be Namespace/MetricName, for example AWS/SQS/ApproximateNumberOfMessagesVisible" },
      additionalProperties: customTarget,
    },
    ...refused(REFUSED_TARGET_KEYS),
  },
};

/** KEDA metadata is text; Convox passes it through as written (a pattern constrains text only). */
const metadataValue = (description: string, errorMessage: string, pattern: string): JsonSchema => ({ type: ["string", "number", "boolean"], pattern, description, errorMessage });

/** A KEDA trigger: racknet maps `aws-sqs-queue` to Application Auto Scaling; other types are refused by the rules. */
const trigger: JsonSchema = {
  type: "object",
  description: "A KEDA trigger. racknet acts on type aws-sqs-queue: backlog per task (visible and in-flight messages over running tasks) kept at queueLength.",
  errorMessage: "must be a map such as {type: aws-sqs-queue, metadata: {queueURL: https://sqs.us-east-1.amazonaws.com/123456789012/jobs, queueLength: \"5\"}}",
  required: ["type", "metadata"],
  additionalProperties: false,
  properties: {
    type: { type: "string", description: "The trigger type; racknet acts on aws-sqs-queue.", errorMessage: "must be a trigger type such as aws-sqs-queue" },
    name: { type: "string", description: "A name for the trigger (the scaling policy's name).", errorMessage: "must be a name" },
    metadata: {
      type: "object",
      description: "The trigger's settings (KEDA's, as text).",
      errorMessage: "must be a map such as {queueURL: ..., queueLength: \"5\"}",
      additionalProperties: false,
      properties: {
        queueURL: { type: "string", minLength: 1, description: "The queue's URL; its last part is the queue's name.", errorMessage: "must be the queue's URL" },
        queueLength: metadataValue("Messages one task handles (default 5): the backlog per task to keep.", "must be a number of messages such as \"5\"", "^[0-9]+(\\.[0-9]+)?$"),
        awsRegion: { type: "string", description: "The queue's region; it must be the rack's (CloudWatch alarms read metrics of their own region).", errorMessage: "must be a region such as us-east-1" },
        scaleOnInFlight: metadataValue("Count in-flight messages too (default true, as KEDA).", "must be \"true\" or \"false\"", "^(true|false)$"),
      },
    },
  },
};

const triggers: JsonSchema = { type: "array", description: "KEDA triggers.", errorMessage: "must be a list of triggers such as [{type: aws-sqs-queue, metadata: {...}}]", items: trigger };

const threshold = (description: string): JsonSchema => ({
  type: "object",
  description,
  errorMessage: "must be a map such as {threshold: 70}",
  required: ["threshold"],
  additionalProperties: false,
  properties: { threshold: { type: "number", exclusiveMinimum: 0, maximum: 100, description: "The percent to keep.", errorMessage: "must be a percent above 0, at most 100" } },
});

/** Convox's metric name rule (pkg/manifest/validate.go, prometheusMetricNameR); CloudWatch takes these names as written. */
export const QUEUE_METRIC_NAME = "^[a-zA-Z_:][a-zA-Z0-9_:]*$";

const queueDepth: JsonSchema = {
  type: "object",
  description: "A queue's depth the service scales on: the Maximum of a CloudWatch metric in the app's namespace (racknet/<rack>/<app>, dimension Service), kept at threshold per running task.",
  errorMessage: "must be a map such as {threshold: 5, metricName: vllm:num_requests_waiting}",
  required: ["threshold"],
  additionalProperties: false,
  properties: {
    threshold: { type: "number", exclusiveMinimum: 0, description: "The depth one task handles: the service runs depth / threshold tasks.", errorMessage: "must be a number above 0" },
    metricName: { type: "string", pattern: QUEUE_METRIC_NAME, maxLength: 255, description: "The metric's name (default vllm:num_requests_waiting).", errorMessage: "must be a metric name such as vllm:num_requests_waiting (letters, digits, _ and :)" },
    ...refused(REFUSED_QUEUE_DEPTH_KEYS),
  },
};

const autoscale: JsonSchema = {
  type: "object",
  description: "Convox 3's autoscaling between scale.min and scale.max (max defaults to 10): Application Auto Scaling target tracking.",
  errorMessage: "must be a map such as {cpu: {threshold: 70}}",
  additionalProperties: false,
  properties: {
    cpu: threshold("Average CPU utilisation to keep (ECSServiceAverageCPUUtilization)."),
    memory: threshold("Average memory utilisation to keep (ECSServiceAverageMemoryUtilization)."),
    queueDepth,
    custom: { ...triggers, description: "KEDA triggers; racknet acts on aws-sqs-queue." },
    cooldownPeriod: seconds("Seconds after scaling in before the next scale-in (default 60).", 0, 3600),
    ...ignored(IGNORED_SCALING_KEYS),
    ...refused(REFUSED_AUTOSCALE_KEYS),
  },
};

const keda: JsonSchema = {
  type: "object",
  description: "Convox 3's KEDA scaling: racknet maps aws-sqs-queue triggers to Application Auto Scaling between the count's bounds.",
  errorMessage: "must be a map such as {triggers: [{type: aws-sqs-queue, metadata: {...}}]}",
  additionalProperties: false,
  properties: {
    triggers,
    cooldownPeriod: seconds("Seconds after scaling in before the next scale-in (default 60).", 0, 3600),
    ...ignored(IGNORED_SCALING_KEYS),
    ...refused(REFUSED_KEDA_KEYS),
  },
};

const cooldown: JsonSchema = {
  description: "Seconds between scaling activities: one number for both, or {up, down} (default 60).",
  errorMessage: "must be a number of seconds such as 60, or {up, down}",
  anyOf: [
    { type: "integer", minimum: 0, maximum: 3600, errorMessage: "must be a whole number of seconds, 0–3600" },
    { type: "object", additionalProperties: false, properties: { up: seconds("Seconds after scaling out.", 0, 3600), down: seconds("Seconds after scaling in.", 0, 3600) } },
  ],
};

const scale: JsonSchema = {
  description: 'A task count (2, "1-3"), or {count, cpu, memory, targets, cooldown}.',
  errorMessage: 'must be a count such as 2 or "1-3", or {count, cpu, memory, targets}',
  anyOf: [
    { type: "integer", minimum: 0, maximum: 1000, errorMessage: "must be a whole number from 0 to 1000" },
    { type: "string", pattern: COUNT_TEXT, errorMessage: 'must be a count such as "2" or a range such as "1-3"' },
    {
      type: "object",
      additionalProperties: false,
      properties: {
        count,
        min: { type: "integer", minimum: 0, maximum: 1000, description: "Convox 3: tasks at least (with max, the range; alone, the count, or up to 10 with autoscale).", errorMessage: "must be a whole number from 0 to 1000" },
        max: { type: "integer", minimum: 0, maximum: 1000, description: "Convox 3: tasks at most.", errorMessage: "must be a whole number from 0 to 1000" },
        autoscale,
        keda,
        cpu: { type: "integer", description: "CPU units (1024 = one vCPU): 256, 512, 1024, 2048, 4096, 8192 or 16384 (default 256).", errorMessage: "must be a whole number of CPU units such as 256 or 1024" },
        memory: { type: "integer", description: "Memory in MiB, within what Fargate allows for the cpu (default 512).", errorMessage: "must be a whole number of MiB such as 512 or 2048" },
        targets,
        cooldown,
        ...refused(REFUSED_SCALE_KEYS),
      },
    },
  ],
};

const command: JsonSchema = {
  description:
    "The command the container runs instead of the image's CMD. A list is passed exactly; a string is split into words like a shell does and passed without one, unless it needs a shell (&&, |, $VAR, ...): then it runs as sh -c.",
  errorMessage: 'must be a command line such as "bin/web" or a list such as ["bin/web", "--port", "3000"]',
  anyOf: [
    { type: "string", minLength: 1 },
    { type: "array", minItems: 1, items: { type: "string" } },
  ],
};

const whitelist: JsonSchema = {
  description: "The only source addresses the service's load balancers forward (CIDRs, comma-separated or a list); anyone else gets 404.",
  errorMessage: 'must be CIDRs such as "10.0.0.0/8,192.0.2.0/24" or a list of them',
  anyOf: [{ type: "string" }, { type: "array", items: { type: "string" } }],
};

const domain: JsonSchema = {
  description:
    "The service's own public names (one, several separated by commas, or a list): each gets a host rule on the external load balancer and is named on the service's public ACM certificate (at most 10, no wildcards). racknet writes the records in the rack's HostedZoneId when the names are in it, or prints them.",
  errorMessage: 'must be a host name such as shop.example.com, names separated by commas, or a list of them',
  anyOf: [{ type: "string" }, { type: "array", items: { type: "string" } }],
};

/** One `nlb:` port (convox/rack's ServiceNLBPort). Values are checked by nlb-rules.ts, which places each at its key as Convox orders them. */
const nlbPort: JsonSchema = {
  type: "object",
  description: "A network load balancer listener of the app (TCP, or TLS with a certificate) forwarding to the service's tasks.",
  errorMessage: "must be a map such as {port: 5432, protocol: tcp, scheme: internal}",
  additionalProperties: false,
  properties: {
    port: { description: "The port the network load balancer listens on, 1–65535." },
    containerPort: { description: "The port the container listens on (default: port)." },
    protocol: { description: "tcp (default) or tls (the load balancer ends TLS with certificate:)." },
    scheme: { description: "public (default: the internet, not on an InternalOnly=Yes rack) or internal (the VPC)." },
    certificate: { description: "For tls: an ACM certificate or IAM server-certificate ARN." },
    allow_cidr: { description: "The only IPv4 ranges the listener admits (default: everyone for public, the VPC for internal)." },
    cross_zone: flag("Spread each zone's connections over the targets of every zone (the target group's cross-zone setting)."),
    preserve_client_ip: flag("The target sees the client's address instead of the load balancer's (the target group's setting)."),
  },
};

const nlb: JsonSchema = {
  type: "array",
  description: "Network load balancer ports: TCP or TLS listeners of the app's own network load balancers (one public, one internal), forwarding to this service.",
  errorMessage: "must be a list of ports such as [{port: 5432, protocol: tcp}]",
  items: nlbPort,
};

/** Convox 3's top-level `balancers:`: a public network load balancer in front of one service. Checked by balancer-rules.ts. */
const balancer: JsonSchema = {
  type: "object",
  description: "A custom balancer (Convox 3): the service's public TCP ports on the app's public network load balancer.",
  errorMessage: "must be a map such as {service: api, ports: {5432: 5432}}",
  additionalProperties: false,
  properties: {
    service: { description: "The service the balancer forwards to." },
    ports: { description: "Listener port → container port (or {port, protocol: TCP})." },
    whitelist: { description: "The only IPv4 ranges admitted (CIDRs, a list or comma-separated)." },
    annotations: { description: "Kubernetes annotations of Convox 3's balancer Service. racknet refuses them: they change a Kubernetes object racknet does not create." },
  },
};

const service: JsonSchema = {
  type: "object",
  description: "A service: a long-running process, scaled horizontally, optionally behind a load balancer.",
  errorMessage: "must be a map of keys such as image: and port:",
  additionalProperties: false,
  properties: {
    image: { type: "string", minLength: 1, description: "The container image, for example nginx:1.27 or 123456789012.dkr.ecr.us-east-1.amazonaws.com/api:1.4.", errorMessage: "must be an image name such as nginx:1.27" },
    build,
    command,
    port,
    internal: flag("Only inside the VPC: served by the rack's internal load balancer at https://<service>.<app>.<rack>.convox (needs Internal=Yes)."),
    internalAndExternal: flag("Served by both load balancers (implies internal; needs Internal=Yes)."),
    internalRouter: flag("Served by the rack-to-rack internal router at https://<service>.<app>.<rack>.router.convox (needs internal_router=true)."),
    links: {
      type: "array",
      description: "Services this one calls; each gives <NAME>_URL with the target's most private endpoint.",
      errorMessage: "must be a list of service names such as [api, billing]",
      items: { type: "string", errorMessage: "must be a service name" },
    },
    environment,
    resources: serviceResourcesSchema,
    scale,
    health,
    liveness,
    startupProbe,
    deployment: {
      type: "object",
      description: "During a deployment: the percent of tasks kept healthy (minimum, default 50) and run at most (maximum, default 200).",
      errorMessage: "must be a map such as {minimum: 50, maximum: 200}",
      additionalProperties: false,
      properties: {
        minimum: percent("Percent of the desired tasks kept running and healthy (default 50; 0 for a singleton).", 0, 100),
        maximum: percent("Percent of the desired tasks allowed to run at once (default 200; 100 for a singleton).", 100, 200),
      },
    },
    drain: seconds("Seconds the load balancer lets in-flight requests finish before a task is stopped (default 30).", 0, 3600),
    termination: {
      type: "object",
      description: "How a task stops.",
      errorMessage: "must be a map such as {grace: 30}",
      additionalProperties: false,
      properties: { grace: seconds("Seconds between SIGTERM and SIGKILL (Fargate allows at most 120; default 30).", 0, 120) },
    },
    sticky: flag("Load-balancer cookie stickiness: a client keeps reaching the same task (default true, as Convox)."),
    whitelist,
    domain,
    singleton: flag("At most one task during a deployment: the old one stops before the new one starts (deployment 0/100)."),
    init: flag("Run an init process as PID 1 in the container (reaps zombies, forwards signals)."),
    agent: {
      description: "Convox: one process per instance. Fargate has no instances: agent: true is refused.",
      errorMessage: "must be true, false or {enabled: true, ...}",
      anyOf: [{ type: "boolean" }, { type: "object" }],
    },
    privileged: flag("Convox: a privileged container. Fargate refuses privileged containers: only false is accepted."),
    grpcHealthEnabled: flag("Convox: gRPC health checks. racknet checks health over HTTP: only false is accepted."),
    timeout: seconds("Convox: the request timeout: seconds a connection may idle. Up to 60 on the rack's HTTPS load balancers; the TCP listeners of nlb: ports idle this long (60–6000).", 1, 6000),
    nlb,
    tls: {
      type: "object",
      description: "TLS settings: redirect (HTTP to HTTPS) is always on with racknet.",
      errorMessage: "must be a map such as {redirect: true}",
      additionalProperties: false,
      properties: { redirect: flag("Redirect HTTP to HTTPS. racknet's load balancers always do: only true is accepted.") },
    },
    ...ignored(IGNORED_SERVICE_KEYS),
    ...refused(REFUSED_SERVICE_KEYS),
  },
};

const timer: JsonSchema = {
  type: "object",
  description: "A scheduled command: run in a new task of a service (its image, environment and size).",
  errorMessage: "must be a map such as {schedule: \"0 3 * * ?\", command: bin/cleanup, service: web}",
  additionalProperties: false,
  required: ["schedule", "command", "service"],
  properties: {
    schedule: { type: "string", description: 'A cron schedule in UTC: 5 fields ("0 3 * * ?") or AWS\'s 6 ("0 3 * * ? *").', errorMessage: 'must be a cron schedule such as "0 3 * * ?"' },
    command,
    service: { type: "string", description: "The service whose task definition runs the command.", errorMessage: "must be a service name" },
    policies: { description: "Convox: IAM policies for the timer's task. racknet refuses it: its tasks have no task role." },
  },
};

/** Convox's `budget:` (convox/convox pkg/manifest/service.go, BudgetSettings); the rules are budget-rules.ts's. */
const budget: JsonSchema = {
  type: "object",
  description: "A monthly cost cap for the app: an AWS Budgets budget on the app's tagged resources, alerts to atCapWebhookUrl, and with atCapAction auto-shutdown its services stopped at the cap.",
  errorMessage: "must be a map such as {monthlyCapUsd: 500, atCapAction: alert-only, atCapWebhookUrl: https://hooks.example.com/budget}",
  additionalProperties: false,
  properties: {
    monthlyCapUsd: { type: "number", description: "The monthly cap in US dollars.", errorMessage: "must be a number of US dollars such as 500" },
    alertThresholdPercent: { type: "number", description: "The share of the cap at which the first alert goes out (default 80).", errorMessage: "must be a percentage such as 80" },
    atCapAction: { type: "string", description: "At the cap: alert-only (default) or auto-shutdown (block-new-deploys is refused: racknet does not build it yet).", errorMessage: "must be alert-only or auto-shutdown" },
    atCapWebhookUrl: { type: "string", description: "Where each alert and auto-shutdown notice is POSTed (JSON).", errorMessage: "must be a URL such as https://hooks.example.com/budget" },
    pricingAdjustment: { type: "number", description: "A multiplier on the app's spend, 0.1–1.5 (default 1): the budget's limit is monthlyCapUsd / pricingAdjustment.", errorMessage: "must be a number from 0.1 to 1.5" },
    neverAutoShutdown: { type: "array", items: { type: "string" }, description: "Services auto-shutdown never stops.", errorMessage: "must be a list of service names" },
    shutdownOrder: { type: "string", description: "largest-cost (default) or newest: the order in which auto-shutdown stops the services.", errorMessage: "must be largest-cost or newest" },
    notifyBeforeMinutes: { type: "integer", description: "Minutes between the warning at the cap and the shutdown, 5–1440 (default 30).", errorMessage: "must be a whole number of minutes from 5 to 1440" },
    shutdownGracePeriod: { type: "string", description: "Convox: the pods' grace period at shutdown. On Fargate a task gets its service's termination.grace (at most 120 s).", errorMessage: "must be a duration such as 30s" },
    recoveryMode: { type: "string", description: "auto-on-reset (default: the services come back when the budget resets, on the 1st of the month) or manual.", errorMessage: "must be auto-on-reset or manual" },
  },
};

export const convoxSchema: JsonSchema = {
  $schema: "http://json-schema.org/draft-07/schema#",
  title: "convox.yml (racknet)",
  description: "A Convox app manifest as racknet deploys it. See docs/manifest.md.",
  type: "object",
  errorMessage: "must be a map with a services: key",
  additionalProperties: false,
  // `x-base: &base ...`: a place for anchors, as in Compose files; racknet reads nothing else from it.
  patternProperties: { "^x-": { description: "An extension field: a place for YAML anchors (x-base: &base). Not read otherwise." } },
  properties: {
    services: {
      type: "object",
      description: "The app's services, by name (lowercase letters, digits and dashes, starting with a letter).",
      errorMessage: "must be a map of service names to services, for example services: {web: {image: nginx:1.27, port: 80}}",
      additionalProperties: { anyOf: [service, { type: "null", description: "A service with Convox's defaults: build: ." }], errorMessage: "must be a map of keys such as image: and port:" },
    },
    environment: { ...environment, description: "Variables of every service: NAME (set with racknet env set) or NAME=default." },
    timers: {
      type: "object",
      description: "Scheduled commands, by name.",
      errorMessage: "must be a map of timer names to timers",
      additionalProperties: timer,
    },
    resources: resourcesSchema,
    balancers: {
      type: "object",
      description: "Custom balancers (Convox 3), by name: public network load balancer ports of a service.",
      errorMessage: "must be a map of balancer names to balancers",
      additionalProperties: balancer,
    },
    budget,
    ...ignored(IGNORED_TOP_LEVEL_KEYS),
    ...refused(REFUSED_TOP_LEVEL_KEYS),
  },
};
