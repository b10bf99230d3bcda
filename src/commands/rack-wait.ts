import { defineCommand } from "./define.js";

export default defineCommand({
  path: ["rack", "wait"],
  summary: "follow the rack's stack operation in progress (install, params set, uninstall) to its end",
  example: "racknet rack wait -r production",
  uses: ["rack", "json"],
  load: () => import("../operations/rack-wait.js"),
});
