import type { ECRClient, Repository } from "@aws-sdk/client-ecr";
import { APP_TAG, RACK_TAG } from "../names/index.js";
import { UserError } from "../errors/index.js";
import type { BuildListener } from "../images/events.js";
import { KEEP_TAG_PREFIX, repositoryName } from "../names/index.js";
import { sdk } from "./sdk.js";

/**
 * The app's ECR repository, `<rack>/<app>`: made before the first build (the app stack
 * does not exist yet then), by an idempotent ensure, and removed by `apps delete`. Only a
 * repository tagged as this rack's and app's is used or deleted: a repository of the same
 * name made by someone else is refused, never pushed into or force-deleted.
 */

/** Images a repository keeps; older ones expire (lifecycle policy). */
export const KEEP_IMAGES = 30;

export interface AppRepository {
  name: string;
  /** `<account>.dkr.ecr.<region>.amazonaws.com/<rack>/<app>` */
  uri: string;
}

/**
 * The last `keep` images by push time, and every image a release a rollback may return to
 * runs (tagged `keep-r<N>` by src/app-steps/releases.ts, whatever its age): "an image that matches
 * the tagging requirements of a higher priority rule cannot be expired by a rule with a lower
 * priority" (docs/aws-limits.md, ECR lifecycle policies). The first rule selects the kept
 * images with a count they never reach; the second expires the rest beyond `keep`.
 */
export function lifecyclePolicy(keep: number = KEEP_IMAGES): string {
  return JSON.stringify({
    rules: [
      {
        rulePriority: 1,
        description: "racknet: never expire an image a kept release runs",
        selection: { tagStatus: "tagged", tagPrefixList: [KEEP_TAG_PREFIX], countType: "imageCountMoreThan", countNumber: KEPT_RELEASE_IMAGES_MAX },
        action: { type: "expire" },
      },
      {
        rulePriority: 2,
        description: `racknet: keep the last ${keep} images`,
        selection: { tagStatus: "any", countType: "imageCountMoreThan", countNumber: keep },
        action: { type: "expire" },
      },
    ],
  });
}

/** More images than a repository of kept releases can hold (ECR's 20,000 images a repository is the real bound). */
export const KEPT_RELEASE_IMAGES_MAX = 9999;

/** The app's repository if it exists (for the plan and dry runs: creates nothing); someone else's is refused. */
export async function findRepository(ecr: ECRClient, app: { rack: string; app: string }): Promise<AppRepository | undefined> {
  const existing = await describeRepository(ecr, repositoryName(app.rack, app.app));
  return existing ? await ownRepository(ecr, existing, app) : undefined;
}

export async function ensureRepository(ecr: ECRClient, app: { rack: string; app: string }, emit: BuildListener): Promise<AppRepository> {
  const name = repositoryName(app.rack, app.app);
  const existing = await describeRepository(ecr, name);
  if (existing) return await ownRepository(ecr, existing, app);
  const { CreateRepositoryCommand, PutLifecyclePolicyCommand } = sdk.ecr();
  let created: Repository | undefined;
  try {
    ({ repository: created } = await ecr.send(
      new CreateRepositoryCommand({
        repositoryName: name,
        imageScanningConfiguration: { scanOnPush: true },
        // A content tag names one content: it is never moved to another image.
        imageTagMutability: "IMMUTABLE",
        tags: [
          { Key: RACK_TAG, Value: app.rack },
          { Key: APP_TAG, Value: app.app },
        ],
      }),
    ));
  } catch (error) {
    // Another racknet made it between our describe and create: use it like any existing one.
    if (errorName(error) !== "RepositoryAlreadyExistsException") throw error;
    const raced = await describeRepository(ecr, name);
    if (!raced) throw error;
    return await ownRepository(ecr, raced, app);
  }
  await ecr.send(new PutLifecyclePolicyCommand({ repositoryName: name, lifecyclePolicyText: lifecyclePolicy() }));
  const repository = toAppRepository(created, name);
  emit({ type: "repository-created", repository: name, uri: repository.uri });
  return repository;
}

/** Whether the repository holds an image with this tag (the content tag of a build). */
export async function imageExists(ecr: ECRClient, repository: string, tag: string): Promise<boolean> {
  const { DescribeImagesCommand } = sdk.ecr();
  try {
    const { imageDetails } = await ecr.send(new DescribeImagesCommand({ repositoryName: repository, imageIds: [{ imageTag: tag }] }));
    return (imageDetails ?? []).length > 0;
  } catch (error) {
    if (errorName(error) === "ImageNotFoundException") return false;
    throw error;
  }
}

/** The digest of the image with this tag; undefined when there is none. */
export async function imageDigest(ecr: ECRClient, repository: string, tag: string): Promise<string | undefined> {
  const { DescribeImagesCommand } = sdk.ecr();
  try {
    const { imageDetails } = await ecr.send(new DescribeImagesCommand({ repositoryName: repository, imageIds: [{ imageTag: tag }] }));
    return imageDetails?.[0]?.imageDigest;
  } catch (error) {
    if (errorName(error) === "ImageNotFoundException" || errorName(error) === "RepositoryNotFoundException") return undefined;
    throw error;
  }
}

/** Which of these digests the repository no longer holds. */
export async function missingImages(ecr: ECRClient, repository: string, digests: readonly string[]): Promise<string[]> {
  if (digests.length === 0) return [];
  const { BatchGetImageCommand } = sdk.ecr();
  try {
    const { images } = await ecr.send(new BatchGetImageCommand({ repositoryName: repository, imageIds: digests.map((imageDigest) => ({ imageDigest })) }));
    const found = new Set((images ?? []).map((image) => image.imageId?.imageDigest));
    return digests.filter((digest) => !found.has(digest));
  } catch (error) {
    if (errorName(error) === "RepositoryNotFoundException") return [...digests];
    throw error;
  }
}

/**
 * Give the image of this digest one more tag (PutImage with its own manifest: ECR's way to
 * tag an image that exists). Already tagged so: nothing to do.
 */
export async function tagImage(ecr: ECRClient, repository: string, digest: string, tag: string): Promise<void> {
  const { BatchGetImageCommand, PutImageCommand } = sdk.ecr();
  const { images } = await ecr.send(new BatchGetImageCommand({ repositoryName: repository, imageIds: [{ imageDigest: digest }] }));
  const image = images?.[0];
  if (!image?.imageManifest) return;
  try {
    await ecr.send(new PutImageCommand({ repositoryName: repository, imageManifest: image.imageManifest, ...(image.imageManifestMediaType ? { imageManifestMediaType: image.imageManifestMediaType } : {}), imageTag: tag, imageDigest: digest }));
  } catch (error) {
    if (errorName(error) !== "ImageAlreadyExistsException" && errorName(error) !== "ImageTagAlreadyExistsException") throw error;
  }
}

/**
 * Take these tags off their images. An image is deleted with its last tag (BatchDeleteImage),
 * so a tag that is an image's only one stays: the image is still some release's.
 */
export async function untagImages(ecr: ECRClient, repository: string, tags: readonly string[]): Promise<void> {
  if (tags.length === 0) return;
  const { DescribeImagesCommand, BatchDeleteImageCommand } = sdk.ecr();
  const removable: string[] = [];
  for (const tag of tags) {
    try {
      const { imageDetails } = await ecr.send(new DescribeImagesCommand({ repositoryName: repository, imageIds: [{ imageTag: tag }] }));
      if ((imageDetails?.[0]?.imageTags ?? []).length > 1) removable.push(tag);
    } catch (error) {
      if (errorName(error) !== "ImageNotFoundException") throw error;
    }
  }
  if (removable.length > 0) await ecr.send(new BatchDeleteImageCommand({ repositoryName: repository, imageIds: removable.map((imageTag) => ({ imageTag })) }));
}

/** Put racknet's lifecycle policy on the app's repository (a repository made by an older racknet gets the release rule). */
export async function putLifecyclePolicy(ecr: ECRClient, repository: string): Promise<void> {
  const { PutLifecyclePolicyCommand } = sdk.ecr();
  await ecr.send(new PutLifecyclePolicyCommand({ repositoryName: repository, lifecyclePolicyText: lifecyclePolicy() }));
}

/** Delete the app's repository with its images. Gone already is done; someone else's is refused. */
export async function deleteRepository(ecr: ECRClient, app: { rack: string; app: string }, emit: BuildListener): Promise<void> {
  const name = repositoryName(app.rack, app.app);
  const existing = await describeRepository(ecr, name);
  if (!existing) return;
  await ownRepository(ecr, existing, app);
  const { DeleteRepositoryCommand } = sdk.ecr();
  try {
    await ecr.send(new DeleteRepositoryCommand({ repositoryName: name, force: true }));
  } catch (error) {
    if (errorName(error) !== "RepositoryNotFoundException") throw error;
    return;
  }
  emit({ type: "repository-deleted", repository: name });
}

async function describeRepository(ecr: ECRClient, name: string): Promise<Repository | undefined> {
  const { DescribeRepositoriesCommand } = sdk.ecr();
  try {
    const { repositories } = await ecr.send(new DescribeRepositoriesCommand({ repositoryNames: [name] }));
    return repositories?.[0];
  } catch (error) {
    if (errorName(error) === "RepositoryNotFoundException") return undefined;
    throw error;
  }
}

/** The repository, if its tags say it is this rack's repository of this app. */
async function ownRepository(ecr: ECRClient, repository: Repository, app: { rack: string; app: string }): Promise<AppRepository> {
  const name = repository.repositoryName ?? repositoryName(app.rack, app.app);
  const { ListTagsForResourceCommand } = sdk.ecr();
  const { tags } = await ecr.send(new ListTagsForResourceCommand({ resourceArn: repository.repositoryArn }));
  const tagValue = (key: string) => tags?.find((tag) => tag.Key === key)?.Value;
  if (tagValue(RACK_TAG) !== app.rack || tagValue(APP_TAG) !== app.app) {
    throw new UserError(`the ECR repository ${name} exists and is not racknet's repository of app ${app.app} on rack ${app.rack}`, {
      fix: `rename or delete that repository, or tag it ${RACK_TAG}=${app.rack} and ${APP_TAG}=${app.app} if it is this app's`,
    });
  }
  return toAppRepository(repository, name);
}

function toAppRepository(repository: Repository | undefined, name: string): AppRepository {
  if (!repository?.repositoryUri) throw new Error(`ECR returned no URI for repository ${name}`);
  return { name, uri: repository.repositoryUri };
}

function errorName(error: unknown): string | undefined {
  return error instanceof Error ? error.name : undefined;
}
