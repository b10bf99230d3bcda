import { defineCommand } from "./define.js";

export default defineCommand({
  path: ["rack", "params"],
  summary: "every rack parameter and its value",
  example: "racknet rack params -r production",
  uses: ["rack", "json"],
  load: () => import("../operations/rack-params.js"),
});
