/**
 * What builds leave outside the rack stack, for `rack uninstall`: the rack's app repositories
 * in ECR (`<rack>/<app>`), which `racknet build` makes for apps that may never have been
 * deployed. (The build contexts uploaded under `builds/` in the rack's bucket go with
 * `removeObjectsUnder`, template-bucket.ts: CloudFormation cannot delete a bucket that holds
 * objects.) A repository counts as the rack's only
 * when its tags say so (racknet:rack); apps delete removes a deployed app's own.
 */
import type { ECRClient } from "@aws-sdk/client-ecr";
import { APP_TAG, RACK_TAG, repositoryName } from "../names/index.js";
import { sdk } from "./sdk.js";

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
