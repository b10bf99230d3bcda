import { argument, defineCommand } from "./define.js";

export default defineCommand({
  path: ["apps", "params"],
  summary: "an app's parameters (Exec) and their values",
  example: "racknet apps params myapp",
  arguments: [argument.optional("app", "the app (default: -a, else the current directory's name)")],
  uses: ["app", "rack", "json"],
  load: () => import("../operations/apps-params.js"),
});
