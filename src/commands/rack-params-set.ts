import { argument, defineCommand } from "./define.js";

export default defineCommand({
  path: ["rack", "params", "set"],
  summary: "change rack parameters through a change set",
  example: "racknet rack params set Internal=Yes -r production",
  arguments: [argument.some("params", "rack parameters, K=V")],
  changesAws: true,
  uses: ["rack", "json"],
  load: () => import("../operations/rack-params-set.js"),
});
