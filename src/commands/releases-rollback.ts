import { argument, defineCommand } from "./define.js";

export default defineCommand({
  path: ["releases", "rollback"],
  summary: "put the app back to a release's manifest and images, through a change set (a new release)",
  example: "racknet releases rollback 4 -a myapp",
  arguments: [argument.required("release", "the release number (4 or r4)")],
  changesAws: true,
  uses: ["app", "rack", "json"],
  load: () => import("../operations/releases-rollback.js"),
});
