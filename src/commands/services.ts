import { defineCommand } from "./define.js";

export default defineCommand({
  path: ["services"],
  summary: "each service, how it is exposed, its endpoints and ports",
  example: "racknet services -a myapp --json",
  uses: ["app", "rack", "json"],
  load: () => import("../operations/services.js"),
});
