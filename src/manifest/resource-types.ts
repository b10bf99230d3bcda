/**
 * The `resources:` types racknet makes, as Convox spells them (v2: `postgres`; v3's managed
 * `rds-postgres`, `elasticache-redis`), the AWS service and engine behind each, and what AWS
 * offers for them. Every fact here is cited in docs/aws-limits.md ("Resources"). Pure.
 */

export type ResourceEngine = "postgres" | "mysql" | "mariadb" | "redis" | "memcached";
export type ResourceService = "rds" | "elasticache";

export interface EngineFacts {
  service: ResourceService;
  /** The port the engine listens on (RDS and ElastiCache defaults; racknet never changes it). */
  port: number;
  /**
   * The versions AWS lets you create, by major line (RDS: `16`, `8.4`; ElastiCache: each
   * version is its own line), oldest first: the lines in standard support, and in each the
   * exact versions DescribeDBEngineVersions offers for new instances (as cfn-lint 1.51's
   * data has them; docs/aws-limits.md, "Resources").
   */
  versions: Readonly<Record<string, readonly string[]>>;
  /** The line a resource gets when `version` is not given (its newest version). */
  defaultLine: string;
  defaultClass: string;
  /** The instance-class prefix the service uses (`db.` for RDS, `cache.` for ElastiCache). */
  classPrefix: "db." | "cache.";
}

const each = (versions: readonly string[]) => Object.fromEntries(versions.map((version) => [version, [version]]));

export const ENGINES: Readonly<Record<ResourceEngine, EngineFacts>> = {
  postgres: {
    service: "rds",
    port: 5432,
    versions: {
      "14": ["14.15", "14.17", "14.18", "14.19", "14.20", "14.21", "14.22"],
      "15": ["15.10", "15.12", "15.13", "15.14", "15.15", "15.16", "15.17"],
      "16": ["16.6", "16.8", "16.9", "16.10", "16.11", "16.12", "16.13"],
      "17": ["17.2", "17.4", "17.5", "17.6", "17.7", "17.8", "17.9"],
      "18": ["18.1", "18.2", "18.3"],
    },
    defaultLine: "17",
    defaultClass: "db.t4g.micro",
    classPrefix: "db.",
  },
  // 8.0 left standard support on 2026-07-31 (RDS Extended Support, billed per vCPU-hour, after that).
  mysql: { service: "rds", port: 3306, versions: { "8.4": ["8.4.3", "8.4.4", "8.4.5", "8.4.6", "8.4.7", "8.4.8", "8.4.9"] }, defaultLine: "8.4", defaultClass: "db.t4g.micro", classPrefix: "db." },
  mariadb: {
    service: "rds",
    port: 3306,
    versions: {
      "10.11": ["10.11.4", "10.11.5", "10.11.6", "10.11.7", "10.11.8", "10.11.9", "10.11.10", "10.11.11", "10.11.13", "10.11.14", "10.11.15", "10.11.16"],
      "11.4": ["11.4.3", "11.4.4", "11.4.5", "11.4.7", "11.4.8", "11.4.9", "11.4.10"],
      "11.8": ["11.8.3", "11.8.4", "11.8.5", "11.8.6"],
    },
    defaultLine: "11.4",
    defaultClass: "db.t4g.micro",
    classPrefix: "db.",
  },
  redis: { service: "elasticache", port: 6379, versions: each(["6.2", "7.0", "7.1"]), defaultLine: "7.1", defaultClass: "cache.t4g.micro", classPrefix: "cache." },
  // In-transit encryption needs Memcached 1.6.12 or later: older versions are not offered.
  memcached: { service: "elasticache", port: 11211, versions: each(["1.6.12", "1.6.17", "1.6.22"]), defaultLine: "1.6.22", defaultClass: "cache.t4g.micro", classPrefix: "cache." },
};

/** Each `type:` Convox accepts that racknet makes, and its engine (the containerized and the managed spellings alike). */
export const RESOURCE_TYPES: Readonly<Record<string, ResourceEngine>> = {
  postgres: "postgres",
  "rds-postgres": "postgres",
  mysql: "mysql",
  "rds-mysql": "mysql",
  mariadb: "mariadb",
  "rds-mariadb": "mariadb",
  redis: "redis",
  "elasticache-redis": "redis",
  memcached: "memcached",
  "elasticache-memcached": "memcached",
};

/** Types Convox has that racknet does not make, with the reason and the way out. */
export const REFUSED_RESOURCE_TYPES: Readonly<Record<string, { reason: string; fix: string }>> = {
  postgis: { reason: "racknet makes RDS for PostgreSQL, which has PostGIS as an extension rather than a type of its own", fix: "use type: postgres and run CREATE EXTENSION postgis" },
  valkey: { reason: "racknet makes Redis OSS on ElastiCache, not Valkey", fix: "use type: redis" },
  "elasticache-valkey": { reason: "racknet makes Redis OSS on ElastiCache, not Valkey", fix: "use type: redis" },
  efs: { reason: "racknet creates no shared file systems", fix: "keep state in a database or S3, and remove the resource" },
  s3: { reason: "racknet does not make S3 buckets for apps", fix: "create the bucket yourself and pass its name with racknet env set" },
  sns: { reason: "racknet does not make SNS topics for apps", fix: "create the topic yourself and pass its ARN with racknet env set" },
  sqs: { reason: "racknet does not make SQS queues for apps", fix: "create the queue yourself and pass its URL with racknet env set" },
  syslog: { reason: "racknet's services log to CloudWatch Logs", fix: "forward the log group with a subscription filter, and remove the resource" },
  webhook: { reason: "racknet sends no app events to webhooks", fix: "remove the resource" },
};

/** RDS's gp3 storage range for PostgreSQL, MySQL and MariaDB, GiB. */
export const RDS_STORAGE_MIN = 20;
export const RDS_STORAGE_MAX = 65536;
export const DEFAULT_STORAGE = 20;
/** RDS keeps automated backups 0–35 days; racknet keeps a week unless told. */
export const BACKUP_RETENTION_MAX = 35;
export const DEFAULT_BACKUP_RETENTION = 7;
/** A Redis OSS replication group: a primary and up to 5 replicas; Memcached: up to 40 nodes per cluster. */
export const REDIS_NODES_MAX = 6;
export const MEMCACHED_NODES_MAX = 40;
/** Convox's limit on a managed resource's name (`RdsNameValidate`), which keeps derived identifiers short. */
export const RESOURCE_NAME_MAX = 20;

/** The line of `versions` a version belongs to (`16.4` → `16`, `8.4.9` → `8.4`); ElastiCache versions are their own line. */
export function versionLine(engine: ResourceEngine, version: string): string {
  if (ENGINES[engine].service === "elasticache") return version;
  const parts = version.split(".");
  return engine === "postgres" ? (parts[0] ?? version) : parts.slice(0, 2).join(".");
}

/**
 * The exact version to create: a line (`16`) is its newest version; an exact version must be
 * one AWS offers. Undefined when AWS offers neither.
 */
export function resolveVersion(engine: ResourceEngine, written: string): string | undefined {
  const versions = ENGINES[engine].versions;
  const line = versions[written];
  if (line) return line[line.length - 1];
  return versions[versionLine(engine, written)]?.includes(written) ? written : undefined;
}

export function defaultVersion(engine: ResourceEngine): string {
  const facts = ENGINES[engine];
  return resolveVersion(engine, facts.defaultLine) ?? facts.defaultLine;
}

type JsonSchema = { [key: string]: JsonValue };
type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

const optionValue: JsonSchema = { type: ["string", "number", "boolean"], errorMessage: "must be a single value such as 16, db.t4g.micro or true" };

/** `resources:` in the convox.yml schema (schema.ts): the shape; read-resources.ts checks types, options and versions with their lines. */
export const resourcesSchema: JsonSchema = {
  type: "object",
  description: "Databases and caches, by name: RDS (postgres, mysql, mariadb) and ElastiCache (redis, memcached) in the rack's network, reachable only from the services that list them under resources:, which get <NAME>_URL as a secret.",
  errorMessage: "must be a map of resource names to resources, for example resources: {db: {type: postgres}}",
  additionalProperties: {
    type: "object",
    errorMessage: "must be a map such as {type: postgres, options: {version: \"16\"}}",
    required: ["type"],
    additionalProperties: false,
    properties: {
      type: { type: "string", description: `The engine: ${Object.keys(RESOURCE_TYPES).join(", ")}.`, errorMessage: "must be a type such as postgres or redis" },
      options: {
        type: "object",
        description: "version, class (or size), storage, durable, deletionProtection, backupRetentionPeriod, nodes, autoMinorVersionUpgrade, preferredBackupWindow, preferredMaintenanceWindow (see docs/manifest.md).",
        errorMessage: "must be a map such as {version: \"16\", class: db.t4g.micro}",
        additionalProperties: optionValue,
      },
      image: { description: "Convox: the container image of a containerized resource. racknet refuses it: it makes managed databases and caches." },
    },
  },
};

export const serviceResourcesSchema: JsonSchema = {
  type: "array",
  description: "The app's resources this service uses: each gives <NAME>_URL (a secret) and lets the service's tasks reach it.",
  errorMessage: "must be a list of resource names such as [db, cache]",
  items: { type: "string", errorMessage: "must be a resource name" },
};
