import { defineCommand } from "./define.js";

export default defineCommand({
  path: ["ps"],
  summary: "the app's running tasks: service, status, release, private IP and private network name",
  example: "racknet ps -a myapp",
  uses: ["app", "rack", "json"],
  load: () => import("../operations/ps.js"),
});
