import type { IAMClient, Role } from "@aws-sdk/client-iam";
import { APP_TAG, RACK_TAG, buildRoleName, buildRolePath } from "../names/index.js";
import { UserError } from "../errors/index.js";
import { sdk } from "./sdk.js";

/**
 * The app's own build role (docs/build.md, "One build role per app"): made beside the app's
 * ECR repository before its first build (the app stack does not exist yet then), its one
 * inline policy written again before every build so it follows the rack (a rack made private
 * later gains the VPC permissions), and removed by `apps delete` and `rack uninstall`. Only
 * a role tagged as this rack's and app's (and this Region's: IAM is global) is used or
 * deleted; a role of the same name made by someone else is refused.
 */

export interface BuildRoleOwner {
  region: string;
  rack: string;
  app: string;
}

export const REGION_TAG = "racknet:region";
export const BUILD_POLICY_NAME = "racknet-build";

export async function ensureBuildRole(iam: IAMClient, owner: BuildRoleOwner, policies: { trust: string; permissions: string }): Promise<{ name: string; arn: string; created: boolean }> {
  const name = buildRoleName(owner.region, owner.rack, owner.app);
  const { CreateRoleCommand, PutRolePolicyCommand } = sdk.iam();
  let role = await getRole(iam, name);
  let created = false;
  if (role) ownRole(role, owner);
  else {
    try {
      ({ Role: role } = await iam.send(
        new CreateRoleCommand({
          RoleName: name,
          Path: buildRolePath(owner.region, owner.rack),
          AssumeRolePolicyDocument: policies.trust,
          Description: `racknet: builds of app ${owner.app} on rack ${owner.rack} (${owner.region})`,
          Tags: ownerTags(owner),
        }),
      ));
      created = true;
    } catch (error) {
      // Another racknet made it between our look and our create: use it like any existing one.
      if (errorName(error) !== "EntityAlreadyExistsException") throw error;
      role = await getRole(iam, name);
      if (!role) throw error;
      ownRole(role, owner);
    }
  }
  if (!role?.Arn) throw new Error(`IAM returned no ARN for role ${name}`);
  await iam.send(new PutRolePolicyCommand({ RoleName: name, PolicyName: BUILD_POLICY_NAME, PolicyDocument: policies.permissions }));
  return { name, arn: role.Arn, created };
}

/** Delete the app's build role and its policies. Gone already is done; someone else's is refused. */
export async function deleteBuildRole(iam: IAMClient, owner: BuildRoleOwner): Promise<boolean> {
  const name = buildRoleName(owner.region, owner.rack, owner.app);
  const role = await getRole(iam, name);
  if (!role) return false;
  ownRole(role, owner);
  const { ListRolePoliciesCommand, DeleteRolePolicyCommand, DeleteRoleCommand } = sdk.iam();
  try {
    // IAM refuses to delete a role that still has inline policies (DeleteConflict).
    const { PolicyNames } = await iam.send(new ListRolePoliciesCommand({ RoleName: name }));
    for (const policy of PolicyNames ?? []) await iam.send(new DeleteRolePolicyCommand({ RoleName: name, PolicyName: policy }));
    await iam.send(new DeleteRoleCommand({ RoleName: name }));
  } catch (error) {
    if (errorName(error) === "NoSuchEntityException") return false;
    throw error;
  }
  return true;
}

/** The apps whose build roles the rack has (its path in IAM), for `rack uninstall`. */
export async function rackBuildRoleApps(iam: IAMClient, region: string, rack: string): Promise<string[]> {
  const { ListRolesCommand } = sdk.iam();
  const apps: string[] = [];
  let Marker: string | undefined;
  do {
    const page = await iam.send(new ListRolesCommand({ PathPrefix: buildRolePath(region, rack), Marker }));
    for (const role of page.Roles ?? []) {
      const app = (role.RoleName ?? "").split("_")[1];
      if (app && role.RoleName === buildRoleName(region, rack, app)) apps.push(app);
    }
    Marker = page.IsTruncated ? page.Marker : undefined;
  } while (Marker);
  return apps;
}

function ownerTags(owner: BuildRoleOwner) {
  return [
    { Key: RACK_TAG, Value: owner.rack },
    { Key: APP_TAG, Value: owner.app },
    { Key: REGION_TAG, Value: owner.region },
  ];
}

async function getRole(iam: IAMClient, name: string): Promise<Role | undefined> {
  const { GetRoleCommand } = sdk.iam();
  try {
    return (await iam.send(new GetRoleCommand({ RoleName: name }))).Role;
  } catch (error) {
    if (errorName(error) === "NoSuchEntityException") return undefined;
    throw error;
  }
}

/** GetRole answers with the role's tags: only racknet's role of this rack and app is used. */
function ownRole(role: Role, owner: BuildRoleOwner): void {
  const tag = (key: string) => role.Tags?.find((entry) => entry.Key === key)?.Value;
  if (tag(RACK_TAG) === owner.rack && tag(APP_TAG) === owner.app && tag(REGION_TAG) === owner.region) return;
  throw new UserError(`the IAM role ${role.RoleName} exists and is not racknet's build role of app ${owner.app} on rack ${owner.rack} in ${owner.region}`, {
    fix: `delete or rename that role, or tag it ${RACK_TAG}=${owner.rack}, ${APP_TAG}=${owner.app} and ${REGION_TAG}=${owner.region} if it is this app's`,
  });
}

function errorName(error: unknown): string | undefined {
  return error instanceof Error ? error.name : undefined;
}
