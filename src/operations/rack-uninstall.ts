import { removeBuildLeftovers } from "../rack-steps/build-cleanup.js";
import { emptyZoneBeforeUninstall, refuseZonesHeldByOthers } from "../rack-steps/zone-emptying.js";
import { DEFAULT_RELEASE_PACING, waitForSubnetsToEmpty } from "../rack-steps/subnet-release.js";
import { stopOwnedTasks } from "../rack-steps/task-stopping.js";
import type { Outcome } from "../ui/outcome.js";
import type { Context } from "../runtime/context.js";
import { UserError } from "../errors/index.js";
import { appsIn, describeStack, listRacknetStacks, peeringsIn, type StackInfo } from "../aws/stacks.js";
import { deleteStack } from "../aws/delete-stack.js";
import { removeTemplateUploads } from "../aws/template-bucket.js";
import { findCaKey } from "../aws/kms.js";
import { rackCertificates } from "../aws/acm.js";
import { deleteRackAppEnvironments } from "../aws/app-leftovers.js";
import { describeStoredCa } from "../aws/ssm-ca.js";
import { KIND_TAG, PEER_TAG, RACK_NAME_MAX, caKeyParameter, nameProblem, rackStackName } from "../names/index.js";
import type { ResourceChange } from "../plan/model.js";
import { rackCaRemovalSteps, removeRackCa } from "../rack-steps/certificates.js";
import { readJournal } from "../safety/journal.js";
import { runOperation } from "../safety/operation.js";
import { operationPort } from "../shared-steps/review.js";
import { azCountOf, rackInfo } from "../shared-steps/resolve.js";
import { costOfChange } from "../shared-steps/plan-context.js";
import { planJson, type PlanJson } from "../plan/plan.js";
import { rackWaitCommand } from "../shared-steps/wait.js";
import { releaseStagingBucket } from "../rack-steps/staging-bucket.js";
import { RackOutput } from "../names/rack-outputs.js";
import { Flag } from "../names/flags.js";

/** What EC2 refuses to delete while network interfaces use it ("has dependencies", a security group's DependencyViolation). */
const HELD_TYPES: ReadonlySet<string> = new Set(["AWS::EC2::Subnet", "AWS::EC2::VPC", "AWS::EC2::SecurityGroup"]);

const OPERATION = "rack uninstall";

/**
 * `racknet rack uninstall NAME`: refused while the rack has apps; otherwise, under the rack's
 * lock and journal, the plan (every resource goes), the go-ahead, the tasks still running in
 * its cluster stopped, leftover template uploads removed (a bucket that is not empty cannot be
 * deleted), the stack deleted, then the rack's
 * CA, certificates and the CA's KMS key. A rack whose stack never got created (an install
 * stopped before it, or one whose own clean-up was cut short) still has those: they are
 * found by name, tag and alias and removed the same way. The last rack of the region also
 * takes the template staging bucket with it (rack-steps/staging-bucket.ts). Running it again after
 * a stop finishes what is left.
 */
export async function run(context: Context, args: { name: string }): Promise<Outcome> {
  const { name } = args;
  const problem = nameProblem("rack", name, RACK_NAME_MAX);
  if (problem) throw new UserError(problem);
  const cfn = await context.aws.cloudFormation();
  const stack = await describeStack(cfn, rackStackName(name));
  const isRack = stack !== undefined && (stack.tags[KIND_TAG] === "rack" || stack.status === "REVIEW_IN_PROGRESS");
  if (!isRack) return removeWithoutStack(context, name);
  const stacks = await listRacknetStacks(cfn);
  const apps = appsIn(stacks, name);
  const peerings = peeringsIn(stacks, name);
  if (peerings.length > 0) {
    // Its side's routes hold the rack's route tables, and the peer routes to a VPC that would be gone.
    const peers = peerings.map((stack) => stack.tags[PEER_TAG] ?? stack.name);
    throw new UserError(`rack ${name} is peered with ${peers.join(", ")}; nothing was deleted`, {
      fix: `unpeer it first: ${peers.map((peer) => `\`racknet rack unpeer ${name} ${peer}\` (with ${Flag.peerRegion} when the peer is in another Region, ${Flag.peerProfile} when it is in another account)`).join(", ")}`,
    });
  }
  if (apps.length > 0) {
    throw new UserError(`rack ${name} still has ${apps.length} app(s): ${apps.map((app) => app.app).join(", ")}; nothing was deleted`, {
      fix: `delete each app first: ${apps.map((app) => `\`racknet apps delete ${app.app} -r ${name}\``).join(", ")}`,
    });
  }
  const plan = {
    operation: OPERATION,
    key: name,
    command: `racknet rack uninstall ${name}`,
    supersedes: ["rack install", "rack params set"],
    steps: [{ id: "stack", what: `stack ${rackStackName(name)}` }, { id: "app-environments", what: `what apps left under /racknet/${name}/apps/ in SSM Parameter Store` }, ...rackCaRemovalSteps(name)],
  };
  // The plan that was shown goes in the --json result, a dry run's too.
  let shown: PlanJson | undefined;
  let heldBack = false;
  await runOperation(context, { rack: name }, plan, async ({ journal }) => {
    const deletion = await deleteRackStack(context, name, stack, () => journal.start("stack"));
    shown = deletion.plan;
    if (deletion.outcome === "dry-run") {
      heldBack = true;
      return;
    }
    await journal.done("stack");
    if (!journal.isDone("app-environments")) {
      await journal.start("app-environments");
      const left = await deleteRackAppEnvironments(await context.aws.ssm(), name);
      if (left.deleted.length > 0) context.printer.step(`deleted ${left.deleted.length} stored environment value(s) apps left under /racknet/${name}/apps/`);
      if (left.kept.length > 0) context.printer.warn(`kept ${left.kept.join(", ")}: not tagged as rack ${name}'s, so racknet did not store them`);
      await journal.done("app-environments");
    }
    await removeRackCa(context, name, journal);
    await releaseStagingBucket(context);
  });
  const result = { rack: name, outcome: context.options.dryRun ? "dry-run" : "deleted", ...(shown ? { plan: shown } : {}) };
  if (!context.options.dryRun) context.printer.success(`rack ${name} uninstalled`);
  return { json: result, changesPending: heldBack };
}

async function deleteRackStack(context: Context, name: string, stack: StackInfo, beforeExecute: () => Promise<void>): Promise<{ outcome: "dry-run" | "deleted"; plan?: PlanJson }> {
  const bucket = stack.outputs[RackOutput.TemplateBucket];
  const rack = rackInfo(stack, name);
  const port = operationPort(context, {
    destructiveByName: true,
    cost: costOfChange(await context.aws.region(), { params: rack.params, azCount: azCountOf(rack), apps: [] }, undefined),
  });
  const outcome = await deleteStack(context.aws, rackStackName(name), {
    port,
    followCommand: rackWaitCommand(name),
    what: `rack ${name}`,
    beforeExecute: async () => {
      await beforeExecute();
      // What would stop the deletion half way: records someone else wrote in the rack's zones
      // (refused before anything changes), tasks still running in the cluster (ECS refuses to
      // delete it), records racknet wrote in the private zone, tasks' network interfaces.
      await refuseZonesHeldByOthers(context, rack);
      await stopOwnedTasks(context, rack, { kind: "rack" }, `racknet rack uninstall ${name}`);
      await removeBuildLeftovers(context, name, bucket);
      await emptyZoneBeforeUninstall(context, rack);
      await waitForSubnetsToEmpty(context, rack, "vpc");
      if (!bucket) return;
      const removed = await removeTemplateUploads(await context.aws.s3(), bucket);
      if (removed > 0) context.printer.step(`removed ${removed} leftover template upload(s) from ${bucket}`);
    },
    retryAfterFailure: async (failedResources) => {
      // ELB and NAT release their interfaces asynchronously after their deletion: EC2 may refuse a subnet for a while.
      const held = failedResources.filter((resource) => HELD_TYPES.has(resource.resourceType) && /dependenc/i.test(resource.reason ?? ""));
      if (held.length === 0) return false;
      context.printer.step(`EC2 refused to delete ${held.map((resource) => resource.logicalId).join(", ")}: network interfaces still held them; waiting for AWS to release them, then deleting the rack's stack again`);
      await waitForSubnetsToEmpty(context, rack, "vpc", DEFAULT_RELEASE_PACING, true);
      return true;
    },
  });
  const plan = port.plans[0] ? { plan: planJson(port.plans[0]) } : {};
  if (outcome.kind === "dry-run") return { outcome: "dry-run", ...plan };
  if (outcome.kind === "absent") context.printer.info(`nothing to delete: stack ${rackStackName(name)} does not exist`);
  return { outcome: "deleted", ...plan };
}

/**
 * No rack stack: what an install makes before it (the KMS key, the CA, the certificates) may
 * still be there, with or without the journal of the run that made them. Shown as a plan of
 * removals and removed after the same go-ahead; nothing at all is "not found".
 */
async function removeWithoutStack(context: Context, name: string): Promise<Outcome> {
  const changes = await leftoversOf(context, name);
  const journal = await readJournal(context, { rack: name });
  if (changes.length === 0 && !journal) {
    throw new UserError(`rack "${name}" not found in ${await context.aws.region()}`, { fix: "run `racknet racks` to list racks" });
  }
  const what = `rack ${name}`;
  const port = operationPort(context, { destructiveByName: true });
  const verdict = await port.review(
    { what, operation: "delete", stackName: rackStackName(name), changes, notes: [`rack ${name} has no stack: these were made by an install that stopped before it${journal ? ` (${journal.operation}, started ${journal.startedAt})` : ""}`] },
    new AbortController().signal,
  );
  const shown = port.plans[0] ? { plan: planJson(port.plans[0]) } : {};
  if (verdict === "dry-run") {
    context.printer.info("dry run: nothing was changed");
    return { json: { rack: name, outcome: "dry-run", ...shown }, changesPending: true };
  }
  const plan = { operation: OPERATION, key: name, command: `racknet rack uninstall ${name}`, supersedes: ["rack install"], steps: rackCaRemovalSteps(name) };
  await runOperation(context, { rack: name }, plan, async ({ journal: own }) => {
    const removed = await removeRackCa(context, name, own);
    context.printer.step(`removed ${removed.certificates} certificate(s), the CA${removed.key === "scheduled" ? " and its KMS key (deletion scheduled)" : ""}`);
    await releaseStagingBucket(context);
  });
  context.printer.success(`rack ${name} uninstalled (it had no stack: removed what an install left before it)`);
  return { json: { rack: name, outcome: "deleted", ...shown } };
}

/** The objects a stopped install may have left, as the plan's Remove rows. */
async function leftoversOf(context: Context, name: string): Promise<ResourceChange[]> {
  const [key, stored, certificates] = await Promise.all([
    context.aws.kms().then((kms) => findCaKey(kms, name)),
    context.aws.ssm().then(async (ssm) => (await describeStoredCa(ssm, name)).names),
    context.aws.acm().then((acm) => rackCertificates(acm, name)),
  ]);
  const remove = (logicalId: string, resourceType: string, physicalId: string): ResourceChange => ({ action: "Remove", logicalId, resourceType, physicalId });
  return [
    ...certificates.map((certificate, index) => remove(`Certificate${index + 1}`, "AWS::CertificateManager::Certificate", certificate.arn)),
    ...stored.map((parameter) => remove(parameter === caKeyParameter(name) ? "CaKeyParameter" : "CaCertParameter", "AWS::SSM::Parameter", parameter)),
    ...(key ? [remove("CaKey", "AWS::KMS::Key", key.arn)] : []),
  ];
}
