import { defineCommand } from "./define.js";

export default defineCommand({
  path: ["releases"],
  summary: "the app's releases: every deploy, env change, scale and rollback, newest first",
  example: "racknet releases -a myapp",
  uses: ["app", "rack", "json"],
  load: () => import("../operations/releases.js"),
});
