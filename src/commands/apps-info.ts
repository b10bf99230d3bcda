import { argument, defineCommand } from "./define.js";
import { Flag } from "../names/flags.js";

export default defineCommand({
  path: ["apps", "info"],
  summary: "an app's stack status, last deploy, and per service its image, counts and endpoints",
  example: `racknet apps info myapp ${Flag.json}`,
  arguments: [argument.optional("app", "the app (default: -a, else the current directory's name)")],
  uses: ["app", "rack", "json"],
  load: () => import("../operations/apps-info.js"),
});
