import { awsError } from "./memory-cloudformation.js";
import { ACCOUNT, REGION } from "./physical-ids.js";

/** KMS as racknet uses it for the rack CA's key: keys, aliases, rotation, policies, scheduled deletion. */
export class MemoryKeys {
  readonly keys = new Map<string, { arn: string; state: string; rotation: boolean; policy?: string; tags: Record<string, string> }>();
  readonly aliases = new Map<string, string>();
  private counter = 0;

  private resolve(keyId: string | undefined): string {
    const id = keyId?.startsWith("alias/") ? this.aliases.get(keyId) : keyId;
    if (!id || !this.keys.has(id)) throw awsError("NotFoundException", `Key '${keyId}' does not exist`);
    return id;
  }

  createKey(input: { Tags?: { TagKey?: string; TagValue?: string }[]; Policy?: string }) {
    this.counter += 1;
    const id = `00000000-0000-4000-8000-${String(this.counter).padStart(12, "0")}`;
    const arn = `arn:aws:kms:${REGION}:${ACCOUNT}:key/${id}`;
    this.keys.set(id, { arn, state: "Enabled", rotation: false, ...(input.Policy ? { policy: input.Policy } : {}), tags: Object.fromEntries((input.Tags ?? []).map((tag) => [tag.TagKey ?? "", tag.TagValue ?? ""])) });
    return { KeyMetadata: { KeyId: id, Arn: arn, AWSAccountId: ACCOUNT, KeyState: "Enabled" } };
  }

  describeKey(input: { KeyId?: string }) {
    const id = this.resolve(input.KeyId);
    const key = this.keys.get(id);
    return { KeyMetadata: { KeyId: id, Arn: key?.arn, KeyState: key?.state } };
  }

  createAlias(input: { AliasName?: string; TargetKeyId?: string }) {
    if (this.aliases.has(input.AliasName ?? "")) throw awsError("AlreadyExistsException", `An alias with the name ${input.AliasName} already exists`);
    this.aliases.set(input.AliasName ?? "", this.resolve(input.TargetKeyId));
    return {};
  }

  deleteAlias(input: { AliasName?: string }) {
    if (!this.aliases.delete(input.AliasName ?? "")) throw awsError("NotFoundException", `Alias ${input.AliasName} is not found.`);
    return {};
  }

  enableKeyRotation(input: { KeyId?: string }) {
    const key = this.keys.get(this.resolve(input.KeyId));
    if (key) key.rotation = true;
    return {};
  }

  getKeyRotationStatus(input: { KeyId?: string }) {
    return { KeyRotationEnabled: this.keys.get(this.resolve(input.KeyId))?.rotation ?? false };
  }

  getKeyPolicy(input: { KeyId?: string }) {
    const key = this.keys.get(this.resolve(input.KeyId));
    if (!key) throw Object.assign(new Error(`Key '${input.KeyId}' does not exist`), { name: "NotFoundException" });
    return { Policy: key.policy ?? "", PolicyName: "default" };
  }

  putKeyPolicy(input: { KeyId?: string; Policy?: string }) {
    const key = this.keys.get(this.resolve(input.KeyId));
    if (key) key.policy = input.Policy;
    return {};
  }

  scheduleKeyDeletion(input: { KeyId?: string }) {
    const key = this.keys.get(this.resolve(input.KeyId));
    if (key) key.state = "PendingDeletion";
    return {};
  }

  /** Keys not scheduled for deletion: what a test calls "left behind". */
  live(): string[] {
    return [...this.keys].filter(([, key]) => key.state !== "PendingDeletion").map(([id]) => id);
  }
}
