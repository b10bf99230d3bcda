import { argument, defineCommand } from "./define.js";

export default defineCommand({
  path: ["apps", "cancel"],
  summary: "cancel an app's update in progress: CloudFormation rolls it back (CancelUpdateStack)",
  example: "racknet apps cancel myapp --yes",
  arguments: [argument.optional("app", "the app (default: -a, else the current directory's name)")],
  changesAws: true,
  uses: ["app", "rack", "json"],
  load: () => import("../operations/apps-cancel.js"),
});
