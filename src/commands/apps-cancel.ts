import { argument, defineCommand } from "./define.js";
import { Flag } from "../names/flags.js";

export default defineCommand({
  path: ["apps", "cancel"],
  summary: "cancel an app's update in progress: CloudFormation rolls it back (CancelUpdateStack)",
  example: `racknet apps cancel myapp ${Flag.yes}`,
  arguments: [argument.optional("app", "the app (default: -a, else the current directory's name)")],
  changesAws: true,
  uses: ["app", "rack", "json"],
  load: () => import("../operations/apps-cancel.js"),
});
