import type { Context } from "../core/context.js";
import { TEMPLATE_PREFIX } from "./changeset/create.js";
import { sdk } from "./sdk.js";

/**
 * Remove template uploads left in the rack's bucket (a process killed between upload and
 * CreateChangeSet leaves one): CloudFormation cannot delete a bucket that is not empty.
 * Returns how many were removed.
 */
export async function removeTemplateUploads(context: Context, bucket: string): Promise<number> {
  const { ListObjectsV2Command, DeleteObjectsCommand } = sdk.s3();
  const s3 = await context.aws.s3();
  let removed = 0;
  let token: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: TEMPLATE_PREFIX, ContinuationToken: token }));
    const keys = (page.Contents ?? []).flatMap((object) => (object.Key ? [{ Key: object.Key }] : []));
    if (keys.length > 0) {
      await s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: keys, Quiet: true } }));
      removed += keys.length;
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return removed;
}
