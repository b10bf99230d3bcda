import { defineCommand } from "./define.js";

export default defineCommand({
  path: ["apps"],
  summary: "apps on the rack",
  example: "racknet apps -r production",
  uses: ["rack", "json"],
  load: () => import("../operations/apps.js"),
});
