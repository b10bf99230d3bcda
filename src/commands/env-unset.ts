import { argument, defineCommand } from "./define.js";

export default defineCommand({
  path: ["env", "unset"],
  summary: "remove variables the running app no longer reads",
  example: "racknet env unset OLD_TOKEN -a myapp",
  arguments: [argument.some("names", "NAME ...")],
  changesAws: true,
  uses: ["app", "rack", "json"],
  load: () => import("../operations/env-unset.js"),
});
