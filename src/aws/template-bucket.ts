import type { S3Client } from "@aws-sdk/client-s3";
import { TEMPLATE_PREFIX } from "../names/index.js";
import { sdk } from "./sdk.js";

/**
 * Remove template uploads left in the rack's bucket (a process killed between upload and
 * CreateChangeSet leaves one): CloudFormation cannot delete a bucket that is not empty.
 * Returns how many were removed.
 */
export function removeTemplateUploads(s3: S3Client, bucket: string): Promise<number> {
  return removeObjectsUnder(s3, bucket, TEMPLATE_PREFIX);
}

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
