import type { CloudFormationClient } from "@aws-sdk/client-cloudformation";
import type { EC2Client } from "@aws-sdk/client-ec2";
import type { ElasticLoadBalancingV2Client } from "@aws-sdk/client-elastic-load-balancing-v2";
import type { Route53Client } from "@aws-sdk/client-route-53";
import type { ACMClient } from "@aws-sdk/client-acm";
import type { SSMClient } from "@aws-sdk/client-ssm";
import type { KMSClient } from "@aws-sdk/client-kms";
import type { ECSClient } from "@aws-sdk/client-ecs";
import type { S3Client } from "@aws-sdk/client-s3";
import type { STSClient } from "@aws-sdk/client-sts";
import type { CodeBuildClient } from "@aws-sdk/client-codebuild";
import type { ECRClient } from "@aws-sdk/client-ecr";
import type { IAMClient } from "@aws-sdk/client-iam";
import type { LambdaClient } from "@aws-sdk/client-lambda";
import type { CloudWatchLogsClient } from "@aws-sdk/client-cloudwatch-logs";
import type { ServiceQuotasClient } from "@aws-sdk/client-service-quotas";
import type { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import type { RDSClient } from "@aws-sdk/client-rds";
import type { ElastiCacheClient } from "@aws-sdk/client-elasticache";
import { RacknetRetryStrategy } from "./retry.js";
import { sdk } from "./sdk.js";
import { credentialsWithDeadline, limitAnswerTime } from "./deadlines.js";
import { assertEndpointSettings, assertRegionSetting, refuseHtmlAnswers, type AnswerProtocol } from "./endpoint.js";

export interface AwsSettings {
  region?: string;
  profile?: string;
  /** How long to wait for a connection, an answer's headers or a silent socket, a whole answer, credentials; tests shorten them. */
  timeouts?: Timeouts;
  /**
   * Called once per AWS request, with `Service.Operation` and what was asked in short (names
   * and ids only, `requestSummary`): --debug and the benchmark's call count.
   */
  onCall?: (operation: string, asked: string) => void;
}

/**
 * Every call has a deadline: a TCP connection within 3 s, then no more than 20 s without a
 * byte of the answer (an endpoint that accepts and never answers would otherwise hold
 * racknet forever), 60 s for the whole answer and 60 s for the credentials (src/aws/deadlines.ts).
 * A timed-out call is tried once more (src/aws/retry.ts), then reported.
 */
export interface Timeouts {
  connectMs: number;
  /** The answer's headers, and any silence on the socket. */
  responseMs: number;
  /** The whole answer, body included (an endpoint that trickles passes the idle deadline). */
  answerMs?: number;
  /** The credentials (a credential_process, SSO, a role). */
  credentialsMs?: number;
}

export const DEFAULT_TIMEOUTS: Timeouts = { connectMs: 3_000, responseMs: 20_000, answerMs: 60_000, credentialsMs: 60_000 };

type DefaultProvider = typeof import("@aws-sdk/credential-provider-node").defaultProvider;
/** How each service answers, for the check of successful answers (src/aws/endpoint.ts). */
const ANSWER_PROTOCOLS: Readonly<Record<string, AnswerProtocol>> = {
  CloudFormation: "query",
  EC2: "query",
  ELBv2: "query",
  STS: "query",
  SSM: "json",
  KMS: "json",
  ECS: "json",
  ACM: "json",
  ECR: "json",
  IAM: "query",
  CodeBuild: "json",
  CloudWatchLogs: "json",
  ServiceQuotas: "json",
  SecretsManager: "json",
  RDS: "query",
  ElastiCache: "query",
};
const DEFAULT_ANSWER_MS = 60_000;
const DEFAULT_CREDENTIALS_MS = 60_000;

interface ClientShape {
  middlewareStack: { add: (middleware: never, options: never) => void };
}

/**
 * The only place SDK clients are built. Each client's module is imported the first time a
 * command asks for it, so `racknet rack params` never loads the 2 MB EC2 client.
 */
export class AwsClients {
  private readonly cache = new Map<string, Promise<unknown>>();
  private readonly retryStrategy = new RacknetRetryStrategy();

  constructor(readonly settings: AwsSettings) {}

  cloudFormation(): Promise<CloudFormationClient> {
    return this.client("CloudFormation", async () => new (sdk.cloudFormation()).CloudFormationClient(this.config()));
  }

  ec2(): Promise<EC2Client> {
    return this.client("EC2", async () => new (sdk.ec2()).EC2Client(this.config()));
  }

  elbv2(): Promise<ElasticLoadBalancingV2Client> {
    return this.client("ELBv2", async () => new (sdk.elbv2()).ElasticLoadBalancingV2Client(this.config()));
  }

  route53(): Promise<Route53Client> {
    return this.client("Route53", async () => new (sdk.route53()).Route53Client(this.config()));
  }

  acm(): Promise<ACMClient> {
    return this.client("ACM", async () => new (sdk.acm()).ACMClient(this.config()));
  }

  ssm(): Promise<SSMClient> {
    return this.client("SSM", async () => new (sdk.ssm()).SSMClient(this.config()));
  }

  kms(): Promise<KMSClient> {
    return this.client("KMS", async () => new (sdk.kms()).KMSClient(this.config()));
  }

  ecs(): Promise<ECSClient> {
    return this.client("ECS", async () => new (sdk.ecs()).ECSClient(this.config()));
  }

  s3(): Promise<S3Client> {
    // moto and other emulators serve S3 on one host name: virtual-hosted buckets would not resolve.
    const forcePathStyle = Boolean(process.env.AWS_ENDPOINT_URL || process.env.AWS_ENDPOINT_URL_S3);
    return this.client("S3", async () => new (sdk.s3()).S3Client({ ...this.config(), forcePathStyle }));
  }

  sts(): Promise<STSClient> {
    return this.client("STS", async () => new (sdk.sts()).STSClient(this.config()));
  }

  codeBuild(): Promise<CodeBuildClient> {
    return this.client("CodeBuild", async () => new (sdk.codeBuild()).CodeBuildClient(this.config()));
  }

  ecr(): Promise<ECRClient> {
    return this.client("ECR", async () => new (sdk.ecr()).ECRClient(this.config()));
  }

  iam(): Promise<IAMClient> {
    return this.client("IAM", async () => new (sdk.iam()).IAMClient(this.config()));
  }

  lambda(): Promise<LambdaClient> {
    return this.client("Lambda", async () => new (sdk.lambda()).LambdaClient(this.config()));
  }

  cloudWatchLogs(): Promise<CloudWatchLogsClient> {
    return this.client("CloudWatchLogs", async () => new (sdk.cloudWatchLogs()).CloudWatchLogsClient(this.config()));
  }

  serviceQuotas(): Promise<ServiceQuotasClient> {
    return this.client("ServiceQuotas", async () => new (sdk.serviceQuotas()).ServiceQuotasClient(this.config()));
  }

  secretsManager(): Promise<SecretsManagerClient> {
    return this.client("SecretsManager", async () => new (sdk.secretsManager()).SecretsManagerClient(this.config()));
  }

  rds(): Promise<RDSClient> {
    return this.client("RDS", async () => new (sdk.rds()).RDSClient(this.config()));
  }

  elastiCache(): Promise<ElastiCacheClient> {
    return this.client("ElastiCache", async () => new (sdk.elastiCache()).ElastiCacheClient(this.config()));
  }

  /** The same account and settings in another Region (its clients built on first use, as here). */
  inRegion(region: string): AwsClients {
    return new AwsClients({ ...this.settings, region });
  }

  /** Another profile (another account, perhaps), in a Region of its own or the profile's. */
  withProfile(profile: string, region?: string): AwsClients {
    return new AwsClients({ ...this.settings, profile, region: region ?? this.settings.region });
  }

  /** The region every client uses, resolved the SDK's way; throws if there is none. */
  async region(): Promise<string> {
    const client = await this.cloudFormation();
    return client.config.region();
  }

  private config() {
    assertEndpointSettings();
    assertRegionSetting(this.settings.region);
    const timeouts = this.settings.timeouts ?? DEFAULT_TIMEOUTS;
    return {
      region: this.settings.region,
      profile: this.settings.profile,
      retryStrategy: this.retryStrategy,
      requestHandler: { connectionTimeout: timeouts.connectMs, socketTimeout: timeouts.responseMs, requestTimeout: timeouts.responseMs, throwOnRequestTimeout: true },
      credentialDefaultProvider: (input: Parameters<DefaultProvider>[0]) => credentialsWithDeadline(sdk.credentials().defaultProvider(input), timeouts.credentialsMs ?? DEFAULT_CREDENTIALS_MS, this.settings.profile ?? process.env.AWS_PROFILE),
    };
  }

  private client<T>(service: string, build: () => Promise<T>): Promise<T> {
    let client = this.cache.get(service) as Promise<T> | undefined;
    if (!client) {
      client = build().then((built) => {
        refuseHtmlAnswers(built as unknown as ClientShape, ANSWER_PROTOCOLS[service] ?? "rest");
        limitAnswerTime(built as unknown as ClientShape, (this.settings.timeouts ?? DEFAULT_TIMEOUTS).answerMs ?? DEFAULT_ANSWER_MS);
        this.observe(service, built as unknown as ClientShape);
        return built;
      });
      this.cache.set(service, client);
    }
    return client;
  }

  private observe(service: string, client: ClientShape): void {
    const onCall = this.settings.onCall;
    if (!onCall) return;
    // The operation and the names it was asked about (requestSummary), never a value field nor the context (it may hold credentials).
    const middleware = (next: (args: unknown) => Promise<unknown>, context: { commandName?: unknown }) =>
      (args: unknown) => {
        onCall(`${service}.${operationName(context.commandName)}`, requestSummary((args as { input?: unknown }).input));
        return next(args);
      };
    client.middlewareStack.add(middleware as never, { step: "initialize", name: "racknetCallCounter" } as never);
  }
}

/**
 * The request's fields that name what is asked about: stacks, change sets, parameters, buckets,
 * keys, projects, clusters, ids. An allow-list: a field not here (a parameter's Value, a secret,
 * a template's body, tags' values) is never shown, whatever the operation.
 */
const NAMING_FIELDS = new Set([
  "StackName", "ChangeSetName", "ChangeSetType", "LogicalResourceId", "UsePreviousTemplate",
  "Name", "Names", "Path", "Recursive", "WithDecryption", "Overwrite", "Type",
  "Bucket", "Key", "Prefix", "HostedZoneId", "CertificateArn", "KeyId", "AliasName",
  "repositoryName", "RoleName", "PolicyName", "PathPrefix", "imageIds", "projectName", "ids", "id", "cluster", "services", "tasks", "taskDefinition", "serviceName",
  "logGroupName", "logStreamName", "NetworkInterfaceIds", "VpcIds", "SubnetIds", "RuleArns", "ListenerArn", "ServiceCode", "QuotaCode",
]);

/** `StackName=prod ChangeSetType=UPDATE Parameters=[Private,Internal] TemplateBody=48211 bytes`: what a call asked, for --debug. */
export function requestSummary(input: unknown): string {
  if (!input || typeof input !== "object") return "";
  const parts: string[] = [];
  for (const [field, value] of Object.entries(input as Record<string, unknown>)) {
    if (field === "TemplateBody" && typeof value === "string") parts.push(`TemplateBody=${Buffer.byteLength(value)} bytes`);
    else if (field === "Parameters" && Array.isArray(value)) parts.push(`Parameters=[${value.map((parameter: { ParameterKey?: unknown }) => String(parameter?.ParameterKey ?? "?")).join(",")}]`);
    else if (!NAMING_FIELDS.has(field) || value === undefined) continue;
    else if (Array.isArray(value)) parts.push(`${field}=[${value.slice(0, 3).map((item) => shortText(typeof item === "string" ? item : JSON.stringify(item))).join(",")}${value.length > 3 ? `,+${value.length - 3}` : ""}]`);
    else if (typeof value === "string" || typeof value === "boolean" || typeof value === "number") parts.push(`${field}=${shortText(String(value))}`);
  }
  return parts.join(" ");
}

function shortText(text: string): string {
  return text.length > 100 ? `${text.slice(0, 97)}...` : text;
}

/** `DescribeStacksCommand` → `DescribeStacks`; anything that is not a plain command name → `?`. */
export function operationName(commandName: unknown): string {
  return typeof commandName === "string" && /^[A-Za-z0-9]{1,100}$/.test(commandName) ? commandName.replace(/Command$/, "") : "?";
}
