import { defineCommand } from "./define.js";

export default defineCommand({
  path: ["resources"],
  summary: "the app's databases and caches: engine, size, status and endpoint",
  example: "racknet resources -a myapp",
  uses: ["app", "rack", "json"],
  load: () => import("../operations/resources.js"),
});
