import { argument, defineCommand } from "./define.js";

export default defineCommand({
  path: ["env", "get"],
  summary: "one variable's value",
  example: "racknet env get LOG_LEVEL -a myapp",
  arguments: [argument.required("name", "NAME")],
  uses: ["app", "rack", "json"],
  load: () => import("../operations/env-get.js"),
});
