import { UserError } from "../errors/index.js";
import { APP_TAG, KIND_TAG, RACK_TAG, appStackName, rackStackName } from "../names/index.js";
import { describeStack, listRacks, type AppInfo, type StackInfo } from "../aws/stacks.js";
import { fromCfnParameters, type DerivedParams, type RackParams } from "../rack/params.js";
import { subnetZones } from "../aws/zones.js";
import { RackOutput, type RackOutputs } from "../names/rack-outputs.js";
import { checkedName, type Context } from "../runtime/context.js";
import { RackParameter } from "../names/rack-parameters.js";

/** A deployed rack: its stack, its outputs by name, and its parameters read back once. */
export interface RackInfo extends StackInfo {
  rack: string;
  rackOutputs: RackOutputs;
  params: RackParams;
}

/** The rack that `stack` holds, its parameters parsed from the stack's (the one place they are). */
export function rackInfo(stack: StackInfo, rack: string): RackInfo {
  return { ...stack, rack, rackOutputs: stack.outputs, params: fromCfnParameters(stack.parameters) };
}

/**
 * The parameters racknet derived at install, as the stack holds them: an update passes them
 * unchanged (the zones above all: new ones would replace every subnet). A rack installed
 * before its zones were stored gets them from its subnets.
 */
export async function storedDerivedParams(context: Context, rack: RackInfo): Promise<DerivedParams> {
  const stored = rack.parameters;
  const storedZones = stored[RackParameter.AvailabilityZones];
  const zones = storedZones ? storedZones.split(",") : await subnetZones(await context.aws.ec2(), (rack.outputs[RackOutput.PublicSubnets] ?? "").split(",").filter(Boolean));
  return {
    availabilityZones: zones,
    rackCertificateArn: stored[RackParameter.RackCertificateArn] ?? "",
    internalAppsCertificateArn: stored[RackParameter.InternalAppsCertificateArn] ?? "",
    routerAppsCertificateArn: stored[RackParameter.RouterAppsCertificateArn] ?? "",
    syncReservedConcurrency: stored.SyncReservedConcurrency === "none" ? "none" : "1",
  };
}

/** How many Availability Zones the rack spans, as its stack records it. */
export function azCountOf(rack: RackInfo): 2 | 3 {
  return rack.parameters[RackParameter.AvailabilityZoneCount] === "2" ? 2 : 3;
}

/**
 * The rack a command acts on: -r / RACKNET_RACK, else the region's only rack, else an
 * error listing them (SPEC section 1).
 */
export async function resolveRack(context: Context): Promise<RackInfo> {
  const cfn = await context.aws.cloudFormation();
  const wanted = context.options.rack;
  if (wanted) {
    const stack = await describeStack(cfn, rackStackName(wanted));
    if (!stack || stack.tags[KIND_TAG] !== "rack") {
      throw new UserError(`rack "${wanted}" not found in ${await context.aws.region()}`, {
        fix: "run `racknet racks` to list racks, or `racknet rack install " + wanted + "` to create it",
      });
    }
    return rackInfo(stack, wanted);
  }
  const racks = await listRacks(cfn);
  const only = racks[0];
  if (racks.length === 1 && only) return rackInfo(only, only.name);
  if (racks.length === 0) {
    throw new UserError(`no racks in ${await context.aws.region()}`, { fix: "run `racknet rack install NAME` to create one" });
  }
  throw new UserError(`${racks.length} racks in this region; say which: ${racks.map((rack) => rack.name).join(", ")}`, {
    fix: "pass -r RACK or set RACKNET_RACK",
  });
}

/** The app's stack on the rack; a clear error when there is none, or when the stack is not this app's. */
export async function resolveApp(context: Context, rack: RackInfo, app: string): Promise<AppInfo> {
  checkedName("app", app);
  const found = await findApp(context, rack, app);
  if (!found) {
    throw new UserError(`app "${app}" not found on rack ${rack.rack}`, {
      fix: "run `racknet apps` to list apps, or `racknet deploy -a " + app + "` to create it",
    });
  }
  return found;
}

/**
 * The app's stack on the rack, or undefined before its first deploy (env set and build may
 * come first). Every command that acts on an app by name finds it here (or in ownedApp).
 */
export async function findApp(context: Context, rack: RackInfo, app: string): Promise<AppInfo | undefined> {
  return ownedApp(await describeStack(await context.aws.cloudFormation(), appStackName(rack.rack, app)), rack.rack, app);
}

/**
 * The stack under the app's name, if it is this rack's app. Stack names join rack and app
 * with a dash, so rack `r1` with app `x-c` and rack `r1-x` with app `c` share the name
 * `r1-x-c`: only the stack's tags say whose it is. A stack that is not this app's is refused,
 * never read as this app's nor acted on.
 */
export function ownedApp(stack: StackInfo | undefined, rack: string, app: string): AppInfo | undefined {
  if (!stack) return undefined;
  const tags = stack.tags;
  if (tags[KIND_TAG] === "app" && tags[RACK_TAG] === rack && tags[APP_TAG] === app) return { ...stack, rack, app };
  const whose =
    tags[KIND_TAG] === "app" && tags[RACK_TAG] && tags[APP_TAG]
      ? `is app ${tags[APP_TAG]} of rack ${tags[RACK_TAG]}`
      : tags[KIND_TAG] === "rack"
        ? `is the stack of rack ${tags[RACK_TAG] ?? stack.name}`
        : "is not a racknet app's stack";
  const other = tags[KIND_TAG] === "app" && tags[RACK_TAG] && tags[APP_TAG] ? `; for that app, pass -r ${tags[RACK_TAG]} -a ${tags[APP_TAG]}` : "";
  throw new UserError(`app "${app}" of rack ${rack} would be stack ${stack.name}, which ${whose} (stack names join rack and app with a dash); nothing was changed`, {
    fix: `choose another app name with -a${other}`,
  });
}
