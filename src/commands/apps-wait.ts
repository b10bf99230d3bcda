import { argument, defineCommand } from "./define.js";

export default defineCommand({
  path: ["apps", "wait"],
  summary: "follow the app's stack operation in progress (a deploy you stopped watching with Ctrl-C) to its end",
  example: "racknet apps wait myapp -r production",
  arguments: [argument.optional("app", "the app (default: -a, else the current directory's name)")],
  uses: ["app", "rack", "json"],
  load: () => import("../operations/apps-wait.js"),
});
