import { argument, defineCommand } from "./define.js";
import { Flag } from "../names/flags.js";

export default defineCommand({
  path: ["apps", "delete"],
  summary: "delete an app: its stack, certificate, private network names, ECR repository and environment",
  example: `racknet apps delete myapp -r staging ${Flag.yes}`,
  arguments: [argument.required("app", "the app to delete (named explicitly: never the directory's name)")],
  changesAws: true,
  uses: ["rack", "json"],
  load: () => import("../operations/apps-delete.js"),
});
