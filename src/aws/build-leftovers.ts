/**
 * What builds leave outside the rack stack, for `rack uninstall`: uploaded build contexts
 * under `builds/` in the rack's bucket (CloudFormation cannot delete a bucket that holds
 * objects), and the rack's app repositories in ECR (`<rack>/<app>`), which `racknet build`
 * makes for apps that may never have been deployed. A repository counts as the rack's only
 * when its tags say so (racknet:rack); apps delete removes a deployed app's own.
 */
import type { ECRClient } from "@aws-sdk/client-ecr";
import type { S3Client } from "@aws-sdk/client-s3";
import { APP_TAG, RACK_TAG, repositoryName } from "../names/index.js";
import { sdk } from "./sdk.js";

/** Delete every object under `prefix` (1,000 per DeleteObjects call, S3's limit); returns how many. */
export async function removeObjectsUnder(s3: S3Client, bucket: string, prefix: string): Promise<number> {
  const { ListObjectsV2Command, DeleteObjectsCommand } = sdk.s3();
  let removed = 0;
  let token: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
    const keys = (page.Contents ?? []).flatMap((object) => (object.Key ? [{ Key: object.Key }] : []));
    if (keys.length > 0) {
      await s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: keys, Quiet: true } }));
      removed += keys.length;
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return removed;
}

/** The apps whose repository `<rack>/<app>` is tagged as this rack's and that app's. */
export async function rackRepositoryApps(ecr: ECRClient, rack: string): Promise<string[]> {
  const { paginateDescribeRepositories, ListTagsForResourceCommand } = sdk.ecr();
  const apps: string[] = [];
  for await (const page of paginateDescribeRepositories({ client: ecr }, {})) {
    for (const repository of page.repositories ?? []) {
      const name = repository.repositoryName ?? "";
      if (!name.startsWith(`${rack}/`) || !repository.repositoryArn) continue;
      const { tags } = await ecr.send(new ListTagsForResourceCommand({ resourceArn: repository.repositoryArn }));
      const tag = (key: string) => tags?.find((entry) => entry.Key === key)?.Value;
      const app = tag(APP_TAG);
      if (tag(RACK_TAG) === rack && app && repositoryName(rack, app) === name) apps.push(app);
    }
  }
  return apps;
}
