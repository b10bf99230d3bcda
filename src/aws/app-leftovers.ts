/**
 * What an app leaves outside its stack, removed by `apps delete` once the stack is gone:
 * its CA-signed certificate in ACM and its stored environment under
 * `/racknet/<rack>/apps/<app>/` in Parameter Store (the ECR repository goes through
 * ecr.ts's deleteRepository). Each is removed only when its tags say it is this app's
 * (racknet:rack and racknet:app); anything else is reported as kept, never deleted.
 */
import type { ACMClient } from "@aws-sdk/client-acm";
import type { SSMClient } from "@aws-sdk/client-ssm";
import { APP_TAG, CERT_TAG, RACK_TAG, appEnvironmentPath as environmentPath } from "../names/index.js";
import { deleteCertificate, rackCertificates } from "./acm.js";
import { sdk } from "./sdk.js";

export interface AppRef {
  rack: string;
  app: string;
}

/** The app's environment in Parameter Store, without the trailing slash. */
export function appEnvironmentPath({ rack, app }: AppRef): string {
  return environmentPath(rack, app).replace(/\/$/, "");
}

/** DeleteParameters takes at most 10 names per call. */
export const DELETE_PARAMETERS_MAX = 10;

/**
 * ACM refuses to delete a certificate a load balancer still uses, and a deleted listener can
 * hold it for a while after (eventual consistency): ResourceInUseException is retried.
 */
export const CERTIFICATE_IN_USE_DELAYS_MS = [2_000, 4_000, 8_000, 15_000, 30_000, 30_000, 30_000];

export interface CertificateRemoval {
  deleted: string[];
  /** Still in use after every retry: left for the user to delete. */
  inUse: string[];
}

export async function deleteAppCertificates(
  acm: ACMClient,
  ref: AppRef,
  options: { delaysMs?: readonly number[]; sleep?: (ms: number) => Promise<void> } = {},
): Promise<CertificateRemoval> {
  const delays = options.delaysMs ?? CERTIFICATE_IN_USE_DELAYS_MS;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const owned = (await rackCertificates(acm, ref.rack)).filter(({ tags }) => tags[APP_TAG] === ref.app && tags[CERT_TAG] === "app");
  const removal: CertificateRemoval = { deleted: [], inUse: [] };
  for (const { arn } of owned) {
    for (let attempt = 0; ; attempt += 1) {
      try {
        await deleteCertificate(acm, arn);
        removal.deleted.push(arn);
        break;
      } catch (error) {
        if (errorName(error) === "ResourceNotFoundException") break;
        if (errorName(error) !== "ResourceInUseException") throw error;
        const delay = delays[attempt];
        if (delay === undefined) {
          removal.inUse.push(arn);
          break;
        }
        await sleep(delay);
      }
    }
  }
  return removal;
}

export interface EnvironmentRemoval {
  deleted: string[];
  /** Under the app's path but not tagged as its own. */
  kept: string[];
}

/** Delete the parameters under the app's path that are tagged as its own. Values are never read. */
export async function deleteAppEnvironment(ssm: SSMClient, ref: AppRef): Promise<EnvironmentRemoval> {
  return deleteTaggedUnder(ssm, appEnvironmentPath(ref), (tag) => tag(RACK_TAG) === ref.rack && tag(APP_TAG) === ref.app);
}

/**
 * Every app's environment left under `/racknet/<rack>/apps/` (an `apps delete` cut short
 * before its last step, an app deleted by hand): `rack uninstall` removes what is tagged as
 * the rack's, once no app stack is left.
 */
export async function deleteRackAppEnvironments(ssm: SSMClient, rack: string): Promise<EnvironmentRemoval> {
  return deleteTaggedUnder(ssm, environmentPath(rack, "").replace(/\/+$/, ""), (tag) => tag(RACK_TAG) === rack && tag(APP_TAG) !== undefined);
}

async function deleteTaggedUnder(ssm: SSMClient, path: string, owned: (tag: (key: string) => string | undefined) => boolean): Promise<EnvironmentRemoval> {
  const { paginateGetParametersByPath, ListTagsForResourceCommand, DeleteParametersCommand } = sdk.ssm();
  const names: string[] = [];
  for await (const page of paginateGetParametersByPath({ client: ssm }, { Path: path, Recursive: true, WithDecryption: false })) {
    for (const parameter of page.Parameters ?? []) if (parameter.Name?.startsWith(`${path}/`)) names.push(parameter.Name);
  }
  const removal: EnvironmentRemoval = { deleted: [], kept: [] };
  const ours: string[] = [];
  for (const name of names) {
    const { TagList } = await ssm.send(new ListTagsForResourceCommand({ ResourceType: "Parameter", ResourceId: name }));
    const tag = (key: string) => TagList?.find((one) => one.Key === key)?.Value;
    (owned(tag) ? ours : removal.kept).push(name);
  }
  for (let start = 0; start < ours.length; start += DELETE_PARAMETERS_MAX) {
    const { DeletedParameters } = await ssm.send(new DeleteParametersCommand({ Names: ours.slice(start, start + DELETE_PARAMETERS_MAX) }));
    removal.deleted.push(...(DeletedParameters ?? []));
  }
  return removal;
}

function errorName(error: unknown): string | undefined {
  return error instanceof Error ? error.name : undefined;
}
