import type { CloudFormationClient } from "@aws-sdk/client-cloudformation";
import type { Context } from "../runtime/context.js";
import { AwsOperationFailed, UserError, ValidationErrors } from "../errors/index.js";
import { KIND_TAG, RACK_NAME_MAX, RACK_TAG, VERSION_TAG, caKeyAlias, caKeyParameter, nameProblem, rackCertificateNames, rackStackName } from "../names/index.js";
import { RackParam, applyAssignments, defaultParams, findParam, fromCfnParameters, parseAssignments, toCfnParameters, type RackParams } from "../rack/params.js";
import { offersCodeBuild } from "../rack/regions.js";
import { assertNoParamProblems } from "../rack/param-problems.js";
import { checkedHostedZone } from "../app-steps/public-certificates.js";
import { rackParameterNotes } from "../plan/rack-notes.js";
import { planJson, type PlanJson } from "../plan/plan.js";
import { renderTemplate, type Template } from "../templates/cfn.js";
import { racknetVersion } from "../version.js";
import { describeStack, listRacks, type StackInfo } from "../aws/stacks.js";
import { describeVpcFacts } from "../aws/vpc.js";
import { existingVpcProblems, type ExistingVpcPlan } from "../rack/existing-vpc.js";
import { natGatewayCount, natZones, ownsNetwork } from "../rack/egress.js";
import { describeZones } from "../aws/zones.js";
import { unreservedConcurrency } from "../aws/lambda.js";
import { chooseAvailabilityZones } from "../rack/zones.js";
import { overlapsWith, pickVpcCidr } from "../rack/cidr.js";
import { readAccountRanges, usedRanges, type AccountRanges } from "../rack-steps/address-ranges.js";
import { quotasTouched, refuseOverQuota } from "../rack-steps/quotas.js";
import { vpcRanges } from "../aws/address-ranges.js";
import { appsCertificateNames } from "../templates/rack-certificates.js";
import { syncReservedConcurrency } from "../templates/rack-quotas.js";
import { deployStack } from "../aws/changeset/deploy.js";
import { followUnderwayCreation } from "../aws/delete-stack.js";
import { MAX_TEMPLATE_BODY_BYTES, stageTemplate } from "../aws/changeset/create.js";
import { accountOf, prepareStagingBucket, readStagingBucket, releaseStagingBucket, type PreparedStaging, type StagingRead } from "../rack-steps/staging-bucket.js";
import { ensureCaKey, ensureCertificate, ensureRackCa, preloadCa, readCaObjects, removeRackCa, type CaObjects } from "../rack-steps/certificates.js";
import { KEY_DELETION_WINDOW_DAYS } from "../aws/kms.js";
import type { Journal } from "../safety/journal.js";
import { runOperation, takeLock } from "../safety/operation.js";
import { checkedTransitGateway } from "../rack-steps/transit-gateway.js";
import { operationPort } from "../shared-steps/review.js";
import { rackInfo } from "../shared-steps/resolve.js";
import { costOfChange, exposure } from "../shared-steps/plan-context.js";
import { fullRackTemplate } from "../rack-steps/rack-template.js";
import { rackOutcome } from "../ui/rack-summary.js";
import { rackWaitCommand } from "../shared-steps/wait.js";
import type { Outcome } from "../ui/outcome.js";
import { RackParameter } from "../names/rack-parameters.js";
import { RackOutput } from "../names/rack-outputs.js";
import { Flag } from "../names/flags.js";

export interface InstallArgs {
  name: string;
  params: string[];
  private: boolean;
}

/**
 * `racknet rack install NAME [--private] [K=V ...]`: validate, refuse an existing rack,
 * then, under the rack's lock and journal: the CA's own KMS key, the rack CA and its
 * certificates (every HTTPS listener needs them, and their ARNs are stack parameters), then
 * the stack through a change set. Each object made before the stack is found again by its
 * alias, name or tag, so a retry adopts it; a run that ends without a stack removes them,
 * and when even that is cut short, `racknet rack uninstall NAME` does.
 */
export async function run(context: Context, args: InstallArgs): Promise<Outcome> {
  const requested = validateInstall(args);
  const stackName = rackStackName(args.name);
  const scope = { rack: args.name };
  const plan = {
    operation: "rack install",
    key: args.name,
    command: `racknet rack install ${[args.name, ...(args.private ? [Flag.private] : []), ...args.params].join(" ")}`,
    stacks: [stackName],
    steps: [
      { id: "ca-key", what: `the CA's KMS key ${caKeyAlias(args.name)}` },
      { id: "ca", what: `the CA in SSM Parameter Store (${caKeyParameter(args.name)})` },
      { id: "certificates", what: "the rack's certificates in ACM" },
      { id: "stack", what: `stack ${stackName}` },
    ],
  };
  // The lock's create goes out beside the first reads (one round trip for both); a refusal
  // from those reads releases it again.
  const lock = takeLock(context, scope, plan);
  const cfn = await context.aws.cloudFormation();
  let facts: AccountFacts;
  let template: Template;
  let body: string;
  let stagingRead: Promise<StagingRead> | undefined;
  try {
    const reading = accountFacts(context, cfn, args.name, requested, { buildInstance: givesBuildInstance(args.params), vpcCidr: givesVpcCidr(args.params) });
    // Rendered once the first reads are out. Over the inline limit the template goes through S3,
    // and at install the rack has no bucket yet: the staging bucket is read (one call says it is
    // there and configured) beside the first reads.
    template = fullRackTemplate({}, { region: await context.aws.region() });
    body = renderTemplate(template);
    stagingRead = Buffer.byteLength(body, "utf8") > MAX_TEMPLATE_BODY_BYTES ? readStagingBucket(context) : undefined;
    stagingRead?.catch(() => undefined);
    // The CA library loads while the first reads are on the wire (it is needed once they are back).
    if (!context.options.dryRun) setImmediate(() => void preloadCa().catch(() => undefined));
    facts = await reading;
  } catch (error) {
    await (await lock.catch(() => undefined))?.release();
    throw error;
  }
  const { region, zones, unreserved } = facts;
  if (facts.underway) return finishUnderway(context, args.name, region, await lock.catch(() => undefined));
  if (facts.installed) return finishInstalled(context, args.name, region, facts.installed, await lock.catch(() => undefined));
  // No stack: no change set can be left on it, so none is looked for under the lock.
  if (!facts.stackFound) plan.stacks = [];
  if (!offersCodeBuild(region)) {
    context.printer.info(`AWS CodeBuild is not offered in ${region}: rack ${args.name} is installed without a build project; its apps run images (image: in convox.yml, or deploy ${Flag.image} SERVICE=URI), and build: is refused`);
  }
  const azCount = zones.length;
  // Under the lock no other racknet can change them: the stack and the CA's objects are read
  // once, beside the lock's own checks, and not again (docs/change-sets.md, "Critical path").
  // The other Regions' racks (for the VPC range) are read beside these too: the range is needed
  // only before the first write.
  const underLock = () => Promise.all([describeStack(cfn, stackName), context.options.dryRun ? undefined : readCaObjects(context, args.name), facts.vpcCidr] as const);
  return runOperation(context, scope, plan, async ({ journal, read: [stackNow, caObjects, vpcCidr] }) => {
    // In an existing VPC, VPCCIDR is the VPC's own primary range (its security groups admit it).
    const params: RackParams = { ...requested, VPCCIDR: vpcCidr };
    const defaults = defaultParams();
    const changes = (Object.keys(params) as (keyof RackParams)[])
      .filter((name) => params[name] !== defaults[name])
      .map((name) => ({ name, from: defaults[name], to: params[name] }));
    const port = operationPort(context, {
      exposure: { before: exposure(undefined, []), after: exposure(params, []), stackExists: false },
      cost: costOfChange(region, undefined, { params, azCount, apps: [] }),
    });
    let staging: PreparedStaging | undefined;
    // The CA's parameters this run created: all of the CA that a run ending without a stack removes.
    const caCreated = new Set<string>();
    try {
      // Side by side, and all settled before going on: a failure of one must not leave the
      // others still writing while the clean-up below removes what was made. The template's
      // upload goes out as soon as the bucket is known to be ready, beside the CA's work.
      const stagingReady = stagingRead ? prepareStagingBucket(context, await stagingRead) : undefined;
      const staged = stagingReady?.then((prepared) => stageTemplate(context.aws, prepared.target, stackName, body));
      const [madeCertificates, madeStaging, madeUpload] = await Promise.allSettled([
        caObjects ? createRackCertificates(context, args.name, journal, caObjects, caCreated) : dryRunCertificates(region),
        stagingReady,
        staged,
      ]);
      if (madeStaging.status === "fulfilled") staging = madeStaging.value;
      // Nothing will name the upload if the change set is not created.
      const failed = [madeCertificates, madeStaging, madeUpload].some((settled) => settled.status === "rejected");
      if (failed && madeUpload.status === "fulfilled") await madeUpload.value?.remove();
      if (madeCertificates.status === "rejected") throw madeCertificates.reason;
      if (madeStaging.status === "rejected") throw madeStaging.reason;
      if (madeUpload.status === "rejected") throw madeUpload.reason;
      const certificates = madeCertificates.value;
      const outcome = await deployStack(
        context.aws,
        {
          stackName,
          // No stack yet: nothing to read again, and no change set can be pending on it.
          ...(stackNow ? {} : { existing: null, pending: [] }),
          template: { body, ...(staged ? { staged } : {}) },
          ...(staging ? { templateBucket: staging.target } : {}),
          // Only what the template declares: in a Region without CodeBuild it has no BuildInstance.
          parameters: declaredBy(
            template,
            toCfnParameters(params, {
              availabilityZones: zones,
              rackCertificateArn: certificates.rack,
              internalAppsCertificateArn: certificates.internalApps,
              routerAppsCertificateArn: certificates.routerApps,
              syncReservedConcurrency: syncReservedConcurrency(unreserved),
            }),
          ),
          tags: { [KIND_TAG]: "rack", [RACK_TAG]: args.name, [VERSION_TAG]: racknetVersion() },
          capabilities: ["CAPABILITY_IAM"],
          notes: [
            ...(context.options.dryRun ? ["the rack's certificate authority and certificate will be created (SSM Parameter Store and ACM), its private key encrypted with a KMS key of the rack's own"] : []),
            ...rackParameterNotes(changes, azCount, region, args.name, { params, zones }),
            ...(staging?.created ? [stagingNote(staging, region)] : []),
          ],
        },
        {
          port,
          followCommand: rackWaitCommand(args.name),
          rerunCommand: plan.command,
          removeCommand: `racknet rack uninstall ${args.name}`,
          what: `rack ${args.name}`,
          // From here the stack exists and its own status tells where it stands (a rolled-back one is
          // deleted by `rack uninstall`, CA and all): nothing is left for the journal to finish.
          beforeExecute: async () => {
            await journal.start("stack");
            await journal.done("stack", "CloudFormation carries it from here");
          },
        },
      );
      if (outcome.kind !== "applied") {
        await removeWhatWasMade(context, args.name, journal, caCreated);
        if (stagingRead) await releaseStagingBucket(context);
      }
      const shown = port.plans[0] ? planJson(port.plans[0]) : undefined;
      return installed(context, region, args.name, outcome.kind === "applied" ? { kind: "applied", rack: rackInfo(outcome.stack, args.name) } : outcome, shown);
    } catch (error) {
      // No stack: nothing can use what was made before it. Removed now, or by `rack uninstall` (the journal says what).
      if ((stagingRead !== undefined || !context.options.dryRun) && !(await stackExists(context, stackName))) {
        if (stagingRead) await releaseStagingBucket(context);
        if (!context.options.dryRun) throw await removedAfter(context, args.name, journal, caCreated, error, plan.command);
      }
      // A creation that failed and rolled back is deleted, CA and all, by `rack uninstall`.
      const left = await describeStack(await context.aws.cloudFormation(), stackName).catch(() => undefined);
      throw left && FAILED_CREATE.has(left.status) ? removeWithUninstall(error, args.name) : error;
    }
  }, { alongside: underLock, lock });
}

/** The install's outcome; "rack NAME installed" goes to stderr as it happens, in --json too. */
function installed(context: Context, region: string, rack: string, outcome: Parameters<typeof rackOutcome>[2], plan?: PlanJson): Outcome {
  if (outcome.kind === "applied") context.printer.success(`rack ${rack} installed`);
  return { ...rackOutcome(region, rack, outcome, plan), changesPending: outcome.kind === "dry-run" };
}

function stagingNote(staging: PreparedStaging, region: string): string {
  return `the template (over CloudFormation's ${MAX_TEMPLATE_BODY_BYTES}-byte inline limit) goes through S3: the template staging bucket ${staging.bucket.name} was made for it (encrypted, TLS only, public access blocked, uploads expire after a day); it stays while a rack in ${region} uses it, and the last rack's uninstall removes it`;
}

/**
 * The stack an earlier run of this install started is still being created (Ctrl-C or kill -9
 * while CloudFormation worked): running the same command again follows it to its end.
 */
async function finishUnderway(context: Context, rack: string, region: string, lock: { release(): Promise<void> } | undefined): Promise<Outcome> {
  try {
    context.printer.step(`finishing racknet rack install ${rack}: its stack is still being created by an earlier run; following it`);
    const port = operationPort(context);
    const stack = await followUnderwayCreation(context.aws, rackStackName(rack), { port, what: `rack ${rack}`, followCommand: `racknet rack -r ${rack}`, removeCommand: `racknet rack uninstall ${rack}` });
    return installed(context, region, rack, { kind: "applied", rack: rackInfo(stack, rack) });
  } finally {
    await lock?.release();
  }
}

/**
 * The same install run again after an earlier run was stopped while CloudFormation created the
 * stack, which then finished: the rack is what this command asks for, so it is done (exit 0),
 * and says so, instead of "already exists". A rack with other parameters is refused as before.
 */
async function finishInstalled(context: Context, rack: string, region: string, stack: StackInfo, lock: { release(): Promise<void> } | undefined): Promise<Outcome> {
  try {
    context.printer.step(`finishing racknet rack install ${rack}: an earlier run created its stack (${stack.status}) with these parameters; nothing is left to do`);
    return installed(context, region, rack, { kind: "applied", rack: rackInfo(stack, rack) });
  } finally {
    await lock?.release();
  }
}

/**
 * Whether the stack holds the parameters this install asks for (every user parameter, defaults
 * included; VPCCIDR only when given: otherwise the earlier run picked it).
 */
function sameParams(stored: Record<string, string>, params: RackParams, vpcCidrGiven: boolean): boolean {
  const installed = fromCfnParameters(stored);
  return (Object.keys(params) as (keyof RackParams)[]).every((name) => (name === "VPCCIDR" && !vpcCidrGiven) || installed[name] === params[name]);
}

interface AccountFacts {
  /** The rack's stack was there when first read (REVIEW_IN_PROGRESS: a change set an earlier run left). */
  stackFound?: boolean;
  /** The rack's stack is being created by an earlier run of this install. */
  underway?: boolean;
  /** The rack's stack was created, with these very parameters, by an earlier run of this install (stopped while CloudFormation worked). */
  installed?: StackInfo;
  region: string;
  /** The Availability Zones chosen for the rack. */
  zones: string[];
  /** The account's unreserved Lambda concurrency (the sync function reserves part of it). */
  unreserved: number;
  /**
   * The VPC's range: an existing VPC's primary range, the one given, or the one picked to
   * overlap no other rack of the account (once every Region's racks are read: awaited before
   * the first write, beside the reads under the lock).
   */
  vpcCidr: Promise<string>;
}

/**
 * Reads only, side by side (the EC2 client alone takes a while to load): the stack (refused
 * when it exists), the zones (chosen once, here), the Lambda settings, and the account's
 * quotas, judged once the zones are chosen, before anything is made: enough Elastic IPs,
 * VPCs, internet gateways and NAT gateways.
 */
async function accountFacts(context: Context, cfn: CloudFormationClient, rack: string, params: RackParams, given: { buildInstance: boolean; vpcCidr: boolean }): Promise<AccountFacts> {
  // Beside the first reads: the account's racks in every Region and this Region's VPCs (docs/peering.md, "Address ranges").
  // The VPCs are listed once: their ranges for the pick, their number for the quota check.
  const regionVpcs = context.aws.ec2().then(vpcRanges);
  regionVpcs.catch(() => undefined);
  const rangesRead = context.aws.region().then((region) => readAccountRanges(context, region, regionVpcs));
  rangesRead.catch(() => undefined);
  const zonesRead = Promise.all([context.aws.ec2().then(describeZones), context.aws.region()]);
  const intoExistingVpc = !ownsNetwork(params);
  const network = intoExistingVpc ? checkExistingVpc(context, cfn, rack, params) : undefined;
  network?.catch(() => undefined);
  const quotaCheck = refuseOverQuota(
    context,
    zonesRead.then(([zones, region]) => {
      const chosen = chooseAvailabilityZones(region, zones);
      const rackZones = "zones" in chosen ? chosen.zones : [];
      // In an existing VPC the rack makes no VPC, internet gateway, NAT gateway or Elastic IP.
      return { zones: rackZones, private: params.Private === "Yes", natZones: natZones(params, rackZones), newVpc: !intoExistingVpc };
    }),
    `rack ${rack}`,
    // Only what this install can add to: a public rack makes no Elastic IP nor NAT gateway, so those are not read.
    { quotas: quotasTouched({ newVpc: !intoExistingVpc, natGateways: natGatewayCount(params, 1) > 0 }), vpcCount: regionVpcs.then((vpcs) => new Set(vpcs.map((vpc) => vpc.vpcId)).size) },
  );
  quotaCheck.catch(() => undefined);
  const [existing, [zoneList, region], unreserved] = await Promise.all([
    describeStack(cfn, rackStackName(rack)),
    zonesRead,
    context.aws.lambda().then(unreservedConcurrency),
    // A HostedZoneId that is not the Domain's public zone is refused before any write.
    checkedHostedZone(context, params),
    // So is a TransitGatewayId that is not an available gateway of the Region.
    checkedTransitGateway(context, params),
  ]);
  if (existing?.status === "ROLLBACK_COMPLETE") {
    throw new UserError(`rack ${rack} exists but its creation failed and was rolled back (ROLLBACK_COMPLETE); nothing was changed`, {
      fix: `delete it with \`racknet rack uninstall ${rack}\`, then install again`,
    });
  }
  const chosenEarly = chooseAvailabilityZones(region, zoneList);
  if (existing?.status === "CREATE_IN_PROGRESS" && existing.tags[KIND_TAG] === "rack" && existing.tags[RACK_TAG] === rack) {
    return { underway: true, region, zones: "zones" in chosenEarly ? chosenEarly.zones : [], unreserved, vpcCidr: Promise.resolve(params.VPCCIDR) };
  }
  if (existing?.status === "CREATE_COMPLETE" && existing.tags[KIND_TAG] === "rack" && existing.tags[RACK_TAG] === rack && sameParams(existing.parameters, params, given.vpcCidr)) {
    return { installed: existing, region, zones: "zones" in chosenEarly ? chosenEarly.zones : [], unreserved, vpcCidr: Promise.resolve(existing.parameters[RackParameter.VPCCIDR] ?? params.VPCCIDR) };
  }
  if (existing && existing.status !== "REVIEW_IN_PROGRESS") {
    throw new UserError(`rack ${rack} already exists (${existing.status})`, {
      fix: `change it with \`racknet rack params set K=V -r ${rack}\`, or pick another name`,
    });
  }
  const chosen = chooseAvailabilityZones(region, zoneList);
  if ("problem" in chosen) throw new UserError(chosen.problem, { fix: chosen.fix });
  if (given.buildInstance && !offersCodeBuild(region)) {
    throw new UserError(`BuildInstance cannot be set in ${region}: AWS CodeBuild is not offered there, so the rack has no build project; nothing was changed`, {
      fix: `leave BuildInstance out: the rack's apps run images (image: in convox.yml, or deploy ${Flag.image} SERVICE=URI)`,
    });
  }
  await quotaCheck;
  const vpc = await network;
  const stackFound = existing !== undefined;
  if (vpc) return { stackFound, region, zones: vpc.zones, unreserved, vpcCidr: Promise.resolve(vpc.cidr) };
  const vpcCidr = rangesRead.then((ranges) => vpcCidrFor(context, { rack, region, params, given: given.vpcCidr }, ranges));
  vpcCidr.catch(() => undefined);
  return { stackFound, region, zones: chosen.zones, unreserved, vpcCidr };
}

/**
 * An existing VPC, checked before anything is made (docs/egress.md, "Installing into your
 * VPC"): every problem at once, each with its fix. Gives the zones (those of the subnets
 * services run in) and the VPC's range, which the rack's security groups admit.
 */
async function checkExistingVpc(context: Context, cfn: CloudFormationClient, rack: string, params: RackParams): Promise<ExistingVpcPlan> {
  const [ec2, route53, region] = await Promise.all([context.aws.ec2(), context.aws.route53(), context.aws.region()]);
  const subnetIds = [params.ExistingPublicSubnets, params.ExistingPrivateSubnets].join(",").split(",").filter(Boolean);
  const [facts, racks] = await Promise.all([describeVpcFacts(ec2, route53, region, params.ExistingVpc, subnetIds), listRacks(cfn)]);
  const otherRacks = racks
    .filter((stack) => stack.tags[RACK_TAG] !== rack && stack.outputs[RackOutput.VpcId] && stack.outputs[RackOutput.VpcCidr])
    .map((stack) => ({ name: stack.tags[RACK_TAG] ?? stack.name, vpcId: stack.outputs[RackOutput.VpcId] ?? "", cidr: stack.outputs[RackOutput.VpcCidr] ?? "" }));
  const { problems, plan } = existingVpcProblems(params, facts, { region, rack, otherRacks });
  if (!plan) {
    throw new ValidationErrors(
      `rack ${rack} cannot be installed into ${params.ExistingVpc} as it is; nothing was changed`,
      problems.map((problem) => ({ where: problem.param, message: problem.message, ...(problem.fix ? { fix: problem.fix } : {}) })),
    );
  }
  return plan;
}

function vpcCidrFor(context: Context, install: { rack: string; region: string; params: RackParams; given: boolean }, ranges: AccountRanges): string {
  const others: AccountRanges = { ...ranges, racks: ranges.racks.filter((other) => !(other.rack === install.rack && other.region === install.region)) };
  const { printer } = context;
  const unread = others.unreadable.map((gap) => `${gap.region} (${gap.reason})`).join("; ");
  if (install.given) {
    const cidr = install.params.VPCCIDR;
    for (const clash of overlapsWith(cidr, usedRanges({ ...others, vpcs: [] }))) {
      printer.warn(`VPCCIDR=${cidr} overlaps ${clash.owner}, which uses ${clash.cidr}: rack ${install.rack} can never be peered with it (AWS refuses a peering between overlapping ranges)`);
    }
    if (unread) printer.warn(`racks in these Regions could not be read, so VPCCIDR=${cidr} was not compared with them: ${unread}`);
    return cidr;
  }
  const picked = pickVpcCidr(usedRanges(others));
  if (!picked) {
    throw new UserError(`no private /16 is left that overlaps no rack of the account and no VPC of ${install.region}; nothing was changed`, {
      fix: `choose the range yourself with VPCCIDR=<CIDR> (a /16 to /24 no other rack uses)`,
    });
  }
  printer.info(`VPCCIDR=${picked}: chosen to overlap no other rack of the account (any Region) and no VPC of ${install.region} (set VPCCIDR=... to choose)`);
  if (unread) printer.warn(`racks in these Regions could not be read, so ${picked} may overlap one there: ${unread}; pass VPCCIDR=... to choose a range yourself`);
  return picked;
}

/** True when the install's K=V list names BuildInstance (in any spelling). */
function givesBuildInstance(assignments: readonly string[]): boolean {
  return parseAssignments(assignments).assignments.some((assignment) => findParam(assignment.name)?.name === RackParam.BuildInstance);
}

function givesVpcCidr(assignments: readonly string[]): boolean {
  return parseAssignments(assignments).assignments.some((assignment) => findParam(assignment.name)?.name === RackParam.VPCCIDR);
}

function declaredBy(template: Template, parameters: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(parameters).filter(([name]) => name in template.Parameters));
}

async function stackExists(context: Context, stackName: string): Promise<boolean> {
  const stack = await describeStack(await context.aws.cloudFormation(), stackName).catch(() => ({ status: "unknown" }));
  return stack !== undefined && stack.status !== "REVIEW_IN_PROGRESS";
}

/**
 * The run ends without a stack: what it made before (key, CA, certificates) goes, and the journal
 * says so. Of the CA, only the parameters this run created (`caCreated`): a CA that was there
 * before, or that another racknet stored meanwhile, is left, with the KMS key its private key needs.
 */
async function removeWhatWasMade(context: Context, rack: string, journal: Journal, caCreated: ReadonlySet<string>): Promise<void> {
  if (!journal.record.steps.some((step) => step.state !== "pending")) return;
  const removed = await removeRackCa(context, rack, undefined, { caParameters: caCreated });
  for (const id of ["certificates", "ca", "ca-key"]) await journal.undo(id);
  const ca = removed.caLeft.length === 0 ? ", the CA" : `; left rack ${rack}'s CA (${removed.caLeft.join(", ")}), which this run did not store${removed.key === "kept" ? ", and its KMS key" : ""}`;
  context.printer.step(`removed what this install made before the stack: ${removed.certificates} certificate(s)${ca}${removed.key === "scheduled" ? `, and its KMS key (deletion scheduled in ${KEY_DELETION_WINDOW_DAYS} days)` : ""}`);
}

/** The error that ended the run, once what it made is removed; when that fails too, the journal keeps the list and uninstall finishes. */
async function removedAfter(context: Context, rack: string, journal: Journal, caCreated: ReadonlySet<string>, error: unknown, command: string): Promise<unknown> {
  try {
    await removeWhatWasMade(context, rack, journal, caCreated);
  } catch (cleanup) {
    const reason = cleanup instanceof Error ? cleanup.message : String(cleanup);
    context.printer.warn(`could not remove what this install made before its stack (${reason}): run the same command again to finish the install (\`${command}\`: it uses them), or \`racknet rack uninstall ${rack}\` to remove them`);
  }
  return error;
}

/** What a creation that failed leaves: a stack CloudFormation cannot update, only delete. */
const FAILED_CREATE = new Set(["ROLLBACK_COMPLETE", "ROLLBACK_FAILED", "CREATE_FAILED"]);

/** A failed install is undone by `rack uninstall`, which also removes the rack's CA and certificates. */
function removeWithUninstall(error: unknown, rack: string): unknown {
  if (!(error instanceof AwsOperationFailed)) return error;
  return new AwsOperationFailed(error.message, { fix: `remove what is left with \`racknet rack uninstall ${rack}\`, fix the cause, then install again`, cause: error });
}

/** Everything that needs no AWS call: the rack name and every parameter. */
export function validateInstall(args: InstallArgs): RackParams {
  const problem = nameProblem("rack", args.name, RACK_NAME_MAX);
  if (problem) throw new UserError(problem, { fix: "choose a name like `production` or `staging-eu`" });
  const assignments = args.private ? ["Private=Yes", ...args.params] : args.params;
  const { params, problems } = applyAssignments(defaultParams(), assignments, "install");
  assertNoParamProblems(problems);
  return params;
}

interface RackCertificates {
  rack: string;
  internalApps: string;
  routerApps: string;
  /** True when this install made the CA (a run that ends without a stack removes it). */
  created: boolean;
}

/**
 * The CA, the rack's default certificate, and the two listeners' apps certificates (their
 * first name only until an app comes: docs/rack-template.md, "Certificates"). The three steps
 * start together: CreateKey and the three certificate imports (each needs only the CA in
 * memory) go out side by side; once the key exists, its alias, rotation and policy and the
 * CA's two parameters: the imports are one round trip after the journal's write.
 */
async function createRackCertificates(context: Context, rack: string, journal: Journal, read: CaObjects, caCreated: Set<string>): Promise<RackCertificates> {
  const adopted = [
    ...(read.key?.state === "Enabled" ? [`the KMS key ${caKeyAlias(rack)}`] : []),
    ...(read.stored.keyPem && read.stored.certPem ? ["the CA"] : []),
    ...(read.certificates.length > 0 ? [`${read.certificates.length} certificate(s)`] : []),
  ];
  // An earlier run was stopped before its stack (Ctrl-C, a lost connection) and could not remove them.
  if (adopted.length > 0) context.printer.step(`finishing racknet rack install ${rack}: using what an earlier run made before it stopped (${adopted.join(", ")}), then creating the stack`);
  await journal.startTogether(["ca-key", "ca", "certificates"]);
  // The KMS key is needed only to store the CA's key: the CA is made and signs the three
  // certificates meanwhile, so CreateKey and the imports go out together.
  const making = ensureCaKey(context, rack, read, accountOf(context));
  making.catch(() => undefined);
  const { ca, saved } = await ensureRackCa(context, rack, { keyId: making.then((key) => key.keyId), replaceIncomplete: true, stored: read.stored, created: caCreated });
  const steps = [
    making,
    making.then((made) => made.ready),
    saved,
    ensureCertificate(context, { rack, dnsNames: rackCertificateNames(rack) }, ca, read.certificates),
    ensureCertificate(context, { rack, kind: "internal-apps", dnsNames: appsCertificateNames("internal", rack, []) }, ca, read.certificates),
    ensureCertificate(context, { rack, kind: "router-apps", dnsNames: appsCertificateNames("router", rack, []) }, ca, read.certificates),
  ] as const;
  // All settled before a failure is thrown: the clean-up that follows must not run while an
  // import is still on the wire (that certificate would be left behind).
  await Promise.allSettled(steps);
  const [key, , , rackArn, internalApps, routerApps] = await Promise.all(steps);
  await journal.done("ca-key", key.created ? "created" : "adopted from an earlier run");
  await journal.done("ca", ca.created ? "created" : "adopted from an earlier run");
  await journal.done("certificates");
  return { rack: rackArn, internalApps, routerApps, created: ca.created };
}

/** A dry run makes nothing: the plan is computed with placeholders where the certificates will be. */
function dryRunCertificates(region: string): RackCertificates {
  const arn = (name: string) => `arn:aws:acm:${region}:000000000000:certificate/racknet-dry-run-${name}`;
  return { rack: arn("rack"), internalApps: arn("internal-apps"), routerApps: arn("router-apps"), created: false };
}
