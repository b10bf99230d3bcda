import type { DestroyItem, Holds, ResourceChange } from "./model.js";

/**
 * The "destroys or replaces" section of a plan (issue 14): a Remove, or a Modify whose
 * Replacement is True or Conditional, of a resource that holds data, identity or running
 * work. Replacing one makes a new resource with a new id, name or address, and deletes the
 * old one. Removing a security group rule is not listed: that narrows access. Task
 * definitions are replaced by every deploy (a new revision) and are not listed either.
 * Pure. The table is documented in docs/safety.md.
 */

interface Guarded {
  noun: string;
  holds: Holds;
  /** What the user loses when it is replaced (or deleted, unless `deleted` says otherwise), said after the verb. */
  consequence: string;
  /** What the user loses when it is deleted, where that differs from a replacement. */
  deleted?: string;
  /** "released" for addresses; "deleted" otherwise. */
  removeVerb?: string;
}

export const GUARDED_TYPES: Readonly<Record<string, Guarded>> = {
  "AWS::EC2::EIP": { noun: "Elastic IP", holds: "identity", removeVerb: "released", consequence: "its address is gone for good: whoever allow-lists the rack's outbound IPs must be given the new one" },
  "AWS::EC2::NatGateway": { noun: "NAT gateway", holds: "running work", consequence: "outbound traffic of the private services in its AZ stops until a new one is up", deleted: "private services in its AZ have no way out through it" },
  "AWS::Route53::HostedZone": { noun: "hosted zone", holds: "identity", consequence: "its DNS records stop resolving until recreated", deleted: "its DNS records stop resolving" },
  "AWS::Route53::RecordSet": { noun: "DNS record", holds: "identity", consequence: "the name stops resolving" },
  "AWS::Route53::RecordSetGroup": { noun: "DNS records", holds: "identity", consequence: "the names stop resolving" },
  "AWS::S3::Bucket": { noun: "bucket", holds: "data", consequence: "what it stores is lost" },
  "AWS::Logs::LogGroup": { noun: "log group", holds: "data", consequence: "its log history is deleted" },
  "AWS::CertificateManager::Certificate": { noun: "certificate", holds: "identity", consequence: "listeners that use it lose it" },
  "AWS::ECR::Repository": { noun: "image repository", holds: "data", consequence: "its images are deleted" },
  "AWS::KMS::Key": { noun: "KMS key", holds: "data", consequence: "what it encrypted can no longer be decrypted once the key is gone" },
  "AWS::KMS::Alias": { noun: "KMS alias", holds: "identity", consequence: "whatever names the alias no longer finds the key" },
  "AWS::SSM::Parameter": { noun: "SSM parameter", holds: "data", consequence: "its value is deleted" },
  "AWS::SecretsManager::Secret": { noun: "secret", holds: "data", consequence: "its value is deleted" },
  "AWS::DynamoDB::Table": { noun: "table", holds: "data", consequence: "its items are deleted" },
  "AWS::RDS::DBInstance": { noun: "database", holds: "data", consequence: "its data is deleted unless a snapshot is kept (racknet's resources keep a final one)" },
  "AWS::ElastiCache::ReplicationGroup": { noun: "Redis cache", holds: "data", consequence: "its data is deleted unless a snapshot is kept (racknet's resources keep a final one)" },
  "AWS::ElastiCache::CacheCluster": { noun: "cache cluster", holds: "data", consequence: "its cached data is lost (Memcached keeps no snapshot)" },
  "AWS::RDS::DBCluster": { noun: "database cluster", holds: "data", consequence: "its data is deleted unless a snapshot is kept" },
  "AWS::EFS::FileSystem": { noun: "file system", holds: "data", consequence: "its files are deleted" },
  "AWS::ECS::Cluster": { noun: "ECS cluster", holds: "running work", consequence: "every service and task in it stops" },
  "AWS::ECS::Service": { noun: "ECS service", holds: "running work", consequence: "its tasks stop; a replacement starts new ones under a new service", deleted: "its tasks stop" },
  "AWS::ElasticLoadBalancingV2::LoadBalancer": { noun: "load balancer", holds: "identity", consequence: "its DNS name and addresses change", deleted: "its DNS name stops answering" },
  "AWS::ElasticLoadBalancing::LoadBalancer": { noun: "load balancer", holds: "identity", consequence: "its DNS name and addresses change", deleted: "its DNS name stops answering" },
  "AWS::EC2::Subnet": { noun: "subnet", holds: "running work", consequence: "anything running in it is moved or stopped", deleted: "anything running in it stops" },
  "AWS::EC2::VPC": { noun: "VPC", holds: "running work", consequence: "every resource in it is recreated", deleted: "the network of everything in it is gone" },
};

export function destroysOrReplaces(changes: readonly ResourceChange[]): DestroyItem[] {
  return changes.flatMap((change) => {
    const guarded = Object.hasOwn(GUARDED_TYPES, change.resourceType) ? GUARDED_TYPES[change.resourceType] : undefined;
    const action = destructiveAction(change);
    if (!guarded || !action) return [];
    const verb = action === "delete" ? `will be ${guarded.removeVerb ?? "deleted"}` : action === "replace" ? "will be replaced" : "may be replaced";
    const id = change.physicalId ? `${change.logicalId} (${change.physicalId})` : change.logicalId;
    const consequence = action === "delete" ? (guarded.deleted ?? guarded.consequence) : guarded.consequence;
    return [
      {
        logicalId: change.logicalId,
        resourceType: change.resourceType,
        ...(change.physicalId ? { physicalId: change.physicalId } : {}),
        noun: guarded.noun,
        holds: guarded.holds,
        action,
        sentence: `${guarded.noun} ${id} ${verb}: ${consequence}`,
      },
    ];
  });
}

function destructiveAction(change: ResourceChange): DestroyItem["action"] | undefined {
  if (change.action === "Remove") return "delete";
  if (change.action !== "Modify") return undefined;
  if (change.replacement === "True") return "replace";
  if (change.replacement === "Conditional") return "may replace";
  return undefined;
}
