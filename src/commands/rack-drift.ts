import { defineCommand } from "./define.js";

export default defineCommand({
  path: ["rack", "drift"],
  summary: "detect changes made outside racknet to the rack and its apps (exit 4 when drifted, for CI)",
  example: "racknet rack drift -r production --json",
  uses: ["rack", "json"],
  load: () => import("../operations/rack-drift.js"),
});
