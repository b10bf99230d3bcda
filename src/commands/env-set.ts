import { argument, defineCommand } from "./define.js";

export default defineCommand({
  path: ["env", "set"],
  summary: "store variables encrypted and roll the app onto them (through a change set)",
  example: "racknet env set DATABASE_URL=postgres://... LOG_LEVEL=debug -a myapp",
  arguments: [argument.some("assignments", "NAME=value ...")],
  changesAws: true,
  uses: ["app", "rack", "json"],
  load: () => import("../operations/env-set.js"),
});
