import { defineCommand } from "./define.js";
import { Flag } from "../names/flags.js";

export default defineCommand({
  path: ["rack", "drift"],
  summary: "detect changes made outside racknet to the rack and its apps (exit 4 when drifted, for CI)",
  example: `racknet rack drift -r production ${Flag.json}`,
  uses: ["rack", "json"],
  load: () => import("../operations/rack-drift.js"),
});
