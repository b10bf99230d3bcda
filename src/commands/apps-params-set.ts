import { argument, defineCommand } from "./define.js";

export default defineCommand({
  path: ["apps", "params", "set"],
  summary: "change an app's parameters through a change set (Exec=Yes turns on ECS Exec: a broadening change)",
  example: "racknet apps params set Exec=Yes -a myapp",
  arguments: [argument.some("params", "app parameters, K=V")],
  changesAws: true,
  uses: ["app", "rack", "json"],
  load: () => import("../operations/apps-params-set.js"),
});
