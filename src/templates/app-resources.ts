/**
 * The app's `resources:` (issue 29): per resource an RDS instance or an ElastiCache cache in
 * the rack's service subnets (the private ones on a private rack), never publicly
 * accessible, encrypted at rest and in transit, reachable only from the tasks of the
 * services that list it, with a password Secrets Manager generates and `<NAME>_URL` as a
 * second secret. Neither value is ever in the template, a parameter, an output or a log:
 * both reach RDS, ElastiCache and the URL through dynamic references, which CloudFormation
 * resolves without recording. Pure. Design and sources: docs/decisions.md ("Resources (issue 29)") and docs/aws-limits.md ("Resources: RDS and ElastiCache").
 */
import { UserError } from "../errors/index.js";
import { ENGINES, versionLine } from "../manifest/resource-types.js";
import type { AppResource, Manifest, Service } from "../manifest/model.js";
import { resourcesLinkedBy, resourcesOf } from "../manifest/model.js";
import { APP_TAG, RACK_TAG, linkVariable } from "../names/index.js";
import { AppParameter, logicalName } from "./app-contract.js";
import { type Json, type Resource, type TemplateFragment, getAtt, ref, split, sub } from "./cfn.js";

/** The master user and database name in every URL (Convox's `app`). */
export const RESOURCE_USER = "app";
export const RESOURCE_DATABASE = "app";

/** Logical ids of one resource's parts. */
export function resourceIds(name: string) {
  const id = `Resource${logicalName(name)}`;
  return {
    /** The RDS instance, the Redis replication group or the Memcached cluster. */
    main: id,
    securityGroup: `${id}SecurityGroup`,
    subnetGroup: `${id}SubnetGroup`,
    parameterGroup: `${id}ParameterGroup`,
    password: `${id}Password`,
    url: `${id}Url`,
    endpointOutput: `${id}Endpoint`,
  };
}

/** The security group a service's tasks carry when it lists any resource: the only source each resource admits. */
export function resourceClientsGroup(service: string): string {
  return `${logicalName(service)}ResourceClients`;
}

/** The extra security groups of a service's tasks (and its timers'): its resource-clients group, when it lists a resource. */
export function resourceClientGroups(manifest: Manifest, service: string): Json[] {
  return resourcesLinkedBy(manifest, service).length > 0 ? [getAtt(resourceClientsGroup(service), "GroupId")] : [];
}

/** `<NAME>_URL` → the URL secret's ARN, for the service's container `Secrets`. */
export function resourceSecrets(manifest: Manifest, service: string): Record<string, Json> {
  return Object.fromEntries(resourcesLinkedBy(manifest, service).map((resource) => [linkVariable(resource.name), ref(resourceIds(resource.name).url)]));
}

/**
 * The endpoints of what a service lists, as a container label: a resource replaced (a new
 * endpoint, hence a new URL) changes the task definition, and the service rolls onto the new
 * URL. ECS reads a secret only when a task starts.
 */
export function resourceEndpointsLabel(manifest: Manifest, service: string): Json | undefined {
  const linked = resourcesLinkedBy(manifest, service);
  if (linked.length === 0) return undefined;
  return { "Fn::Join": [",", linked.map((resource) => endpointOf(resource).Host)] };
}

/** The URL secrets, for the execution role's `secretsmanager:GetSecretValue`. */
export function resourceSecretArns(manifest: Manifest): Json[] {
  return resourcesOf(manifest).filter((resource) => resource.services.length > 0).map((resource) => ref(resourceIds(resource.name).url));
}

interface ResourcesInput {
  rack: string;
  app: string;
  manifest: Manifest;
}

export function resourcesFragment({ rack, app, manifest }: ResourcesInput): TemplateFragment {
  const resources: Record<string, Resource> = {};
  const outputs: NonNullable<TemplateFragment["Outputs"]> = {};
  const tagList = (resource: AppResource) => [
    { Key: RACK_TAG, Value: rack },
    { Key: APP_TAG, Value: app },
    { Key: "racknet:resource", Value: resource.name },
  ];
  const clients = new Set(resourcesOf(manifest).flatMap((resource) => resource.services));
  for (const service of manifest.services.filter((candidate) => clients.has(candidate.name))) {
    resources[resourceClientsGroup(service.name)] = clientsGroup(rack, app, service);
  }
  const taken = new Map<string, string>();
  for (const resource of resourcesOf(manifest)) {
    const ids = resourceIds(resource.name);
    // Two names can make one logical id (`db-url`, and `db`'s URL secret ResourceDbUrl): refused, never overwritten.
    for (const id of Object.values(ids)) {
      const other = taken.get(id);
      if (other !== undefined) throw new UserError(`resources ${other} and ${resource.name} of ${manifest.file} would share the CloudFormation name ${id}`, { fix: `rename one of them in ${manifest.file}` });
      taken.set(id, resource.name);
    }
    const facts = ENGINES[resource.engine];
    resources[ids.securityGroup] = resourceSecurityGroup(rack, app, resource, tagList(resource));
    // Memcached has no authentication on ElastiCache: nothing to generate.
    if (resource.engine !== "memcached") resources[ids.password] = passwordSecret(rack, app, resource, tagList(resource));
    if (facts.service === "rds") {
      resources[ids.subnetGroup] = {
        Type: "AWS::RDS::DBSubnetGroup",
        Properties: { DBSubnetGroupDescription: `racknet ${rack}/${app} resource ${resource.name}`, SubnetIds: split(",", ref(AppParameter.ServiceSubnets)), Tags: tagList(resource) },
      };
      resources[ids.parameterGroup] = tlsParameterGroup(rack, app, resource, tagList(resource));
      resources[ids.main] = dbInstance(resource, tagList(resource));
    } else {
      resources[ids.subnetGroup] = {
        Type: "AWS::ElastiCache::SubnetGroup",
        Properties: { Description: `racknet ${rack}/${app} resource ${resource.name}`, SubnetIds: split(",", ref(AppParameter.ServiceSubnets)), Tags: tagList(resource) },
      };
      resources[ids.main] = resource.engine === "redis" ? redisGroup(rack, app, resource, tagList(resource)) : memcachedCluster(resource, tagList(resource));
    }
    resources[ids.url] = urlSecret(rack, app, resource, tagList(resource));
    const endpoint = endpointOf(resource);
    outputs[ids.endpointOutput] = { Description: `${resource.name}: the ${resource.engine} endpoint (host:port)`, Value: { "Fn::Join": [":", [endpoint.Host, endpoint.Port]] } };
  }
  return { Resources: resources, Outputs: outputs };
}

function clientsGroup(rack: string, app: string, service: Service): Resource {
  return {
    Type: "AWS::EC2::SecurityGroup",
    Properties: {
      GroupDescription: `racknet ${rack}/${app}: tasks of ${service.name}, which may reach its resources`,
      VpcId: ref(AppParameter.VpcId),
      Tags: [
        { Key: RACK_TAG, Value: rack },
        { Key: APP_TAG, Value: app },
      ],
    },
  };
}

/**
 * Admits the engine's port from the resource-clients group of each service that lists the
 * resource, and nothing else; sends nothing (a database or cache opens no connection).
 */
function resourceSecurityGroup(rack: string, app: string, resource: AppResource, tagList: Json[]): Resource {
  const port = ENGINES[resource.engine].port;
  return {
    Type: "AWS::EC2::SecurityGroup",
    Properties: {
      GroupDescription: `racknet ${rack}/${app}: resource ${resource.name}, reachable from ${resource.services.length > 0 ? resource.services.join(", ") : "no service"}`,
      VpcId: ref(AppParameter.VpcId),
      SecurityGroupIngress: resource.services.map((service) => ({
        IpProtocol: "tcp",
        FromPort: port,
        ToPort: port,
        SourceSecurityGroupId: getAtt(resourceClientsGroup(service), "GroupId"),
        Description: `${service} tasks`,
      })),
      // The rule that matches nothing (CDK's allowAllOutbound: false): without one, EC2 adds allow-all egress.
      SecurityGroupEgress: [{ IpProtocol: "icmp", FromPort: 252, ToPort: 86, CidrIp: "255.255.255.255/32", Description: "Disallow all traffic" }],
      Tags: tagList,
    },
  };
}

/** 32 letters and digits: valid as an RDS master password and an ElastiCache AUTH token, and safe in a URL as written. */
function passwordSecret(rack: string, app: string, resource: AppResource, tagList: Json[]): Resource {
  return {
    Type: "AWS::SecretsManager::Secret",
    Properties: {
      Description: `racknet ${rack}/${app}: the password of resource ${resource.name} (generated by Secrets Manager)`,
      GenerateSecretString: { PasswordLength: 32, ExcludePunctuation: true },
      Tags: tagList,
    },
  };
}

/** `{{resolve:secretsmanager:<arn>:SecretString}}` of the resource's password, inside an Fn::Sub text. */
function passwordReference(resource: AppResource): string {
  return `{{resolve:secretsmanager:\${${resourceIds(resource.name).password}}:SecretString}}`;
}

function endpointOf(resource: AppResource): { Host: Json; Port: Json } {
  const main = resourceIds(resource.name).main;
  if (ENGINES[resource.engine].service === "rds") return { Host: getAtt(main, "Endpoint.Address"), Port: getAtt(main, "Endpoint.Port") };
  if (resource.engine === "redis") return { Host: getAtt(main, "PrimaryEndPoint.Address"), Port: getAtt(main, "PrimaryEndPoint.Port") };
  return { Host: getAtt(main, "ConfigurationEndpoint.Address"), Port: getAtt(main, "ConfigurationEndpoint.Port") };
}

/**
 * The URL, TLS required: `sslmode=require` (libpq), `ssl-mode=REQUIRED` (MySQL), `rediss://`;
 * Memcached has no credentials and TLS on the connection. The endpoint comes in as `${Host}`
 * and `${Port}` (Fn::Sub's variable map), the password as a dynamic reference.
 */
function urlText(resource: AppResource): string {
  const password = passwordReference(resource);
  switch (resource.engine) {
    case "postgres":
      return `postgres://${RESOURCE_USER}:${password}@\${Host}:\${Port}/${RESOURCE_DATABASE}?sslmode=require`;
    case "mysql":
    case "mariadb":
      return `mysql://${RESOURCE_USER}:${password}@\${Host}:\${Port}/${RESOURCE_DATABASE}?ssl-mode=REQUIRED`;
    case "redis":
      return `rediss://:${password}@\${Host}:\${Port}/0`;
    case "memcached":
      return "memcached://${Host}:${Port}";
  }
}

function urlSecret(rack: string, app: string, resource: AppResource, tagList: Json[]): Resource {
  return {
    Type: "AWS::SecretsManager::Secret",
    Properties: {
      Description: `racknet ${rack}/${app}: ${linkVariable(resource.name)}, the URL of resource ${resource.name}`,
      SecretString: sub(urlText(resource), endpointOf(resource)),
      Tags: tagList,
    },
  };
}

/** The engine's parameter group family (`postgres16`, `mysql8.0`, `mariadb10.11`). */
export function parameterGroupFamily(resource: AppResource): string {
  return `${resource.engine}${versionLine(resource.engine, resource.version)}`;
}

/** The engine's defaults, plus the server refusing connections without TLS (PostgreSQL `rds.force_ssl`, MySQL and MariaDB `require_secure_transport`). */
function tlsParameterGroup(rack: string, app: string, resource: AppResource, tagList: Json[]): Resource {
  return {
    Type: "AWS::RDS::DBParameterGroup",
    Properties: {
      Description: `racknet ${rack}/${app} resource ${resource.name}: TLS required`,
      Family: parameterGroupFamily(resource),
      Parameters: resource.engine === "postgres" ? { "rds.force_ssl": "1" } : { require_secure_transport: "ON" },
      Tags: tagList,
    },
  };
}

const SNAPSHOT_ON_DELETE = { DeletionPolicy: "Snapshot", UpdateReplacePolicy: "Snapshot" } as const;

function dbInstance(resource: AppResource, tagList: Json[]): Resource {
  const ids = resourceIds(resource.name);
  const properties: Record<string, Json> = {
    Engine: resource.engine,
    EngineVersion: resource.version,
    DBInstanceClass: resource.class,
    AllocatedStorage: String(resource.storage),
    StorageType: "gp3",
    StorageEncrypted: true,
    PubliclyAccessible: false,
    MultiAZ: resource.durable,
    DBSubnetGroupName: ref(ids.subnetGroup),
    DBParameterGroupName: ref(ids.parameterGroup),
    VPCSecurityGroups: [getAtt(ids.securityGroup, "GroupId")],
    DBName: RESOURCE_DATABASE,
    MasterUsername: RESOURCE_USER,
    MasterUserPassword: sub(passwordReference(resource)),
    BackupRetentionPeriod: resource.backupRetention,
    DeletionProtection: resource.deletionProtection,
    AutoMinorVersionUpgrade: resource.autoMinorVersionUpgrade,
    AllowMajorVersionUpgrade: resource.allowMajorVersionUpgrade,
    CopyTagsToSnapshot: true,
    Tags: tagList,
  };
  if (resource.preferredBackupWindow) properties.PreferredBackupWindow = resource.preferredBackupWindow;
  if (resource.preferredMaintenanceWindow) properties.PreferredMaintenanceWindow = resource.preferredMaintenanceWindow;
  return { Type: "AWS::RDS::DBInstance", ...SNAPSHOT_ON_DELETE, Properties: properties };
}

function redisGroup(rack: string, app: string, resource: AppResource, tagList: Json[]): Resource {
  const ids = resourceIds(resource.name);
  const properties: Record<string, Json> = {
    ReplicationGroupDescription: `racknet ${rack}/${app} resource ${resource.name}`,
    Engine: "redis",
    EngineVersion: resource.version,
    CacheNodeType: resource.class,
    NumCacheClusters: resource.nodes,
    AutomaticFailoverEnabled: resource.durable,
    MultiAZEnabled: resource.durable,
    CacheSubnetGroupName: ref(ids.subnetGroup),
    SecurityGroupIds: [getAtt(ids.securityGroup, "GroupId")],
    Port: ENGINES.redis.port,
    AtRestEncryptionEnabled: true,
    TransitEncryptionEnabled: true,
    AuthToken: sub(passwordReference(resource)),
    AutoMinorVersionUpgrade: resource.autoMinorVersionUpgrade,
    Tags: tagList,
  };
  if (resource.preferredMaintenanceWindow) properties.PreferredMaintenanceWindow = resource.preferredMaintenanceWindow;
  return { Type: "AWS::ElastiCache::ReplicationGroup", ...SNAPSHOT_ON_DELETE, Properties: properties };
}

/** Memcached keeps nothing to snapshot (ElastiCache has no Memcached backups): it is deleted, and the plan says so. */
function memcachedCluster(resource: AppResource, tagList: Json[]): Resource {
  const ids = resourceIds(resource.name);
  const properties: Record<string, Json> = {
    Engine: "memcached",
    EngineVersion: resource.version,
    CacheNodeType: resource.class,
    NumCacheNodes: resource.nodes,
    AZMode: resource.nodes > 1 ? "cross-az" : "single-az",
    CacheSubnetGroupName: ref(ids.subnetGroup),
    VpcSecurityGroupIds: [getAtt(ids.securityGroup, "GroupId")],
    Port: ENGINES.memcached.port,
    TransitEncryptionEnabled: true,
    AutoMinorVersionUpgrade: resource.autoMinorVersionUpgrade,
    Tags: tagList,
  };
  if (resource.preferredMaintenanceWindow) properties.PreferredMaintenanceWindow = resource.preferredMaintenanceWindow;
  return { Type: "AWS::ElastiCache::CacheCluster", Properties: properties };
}
