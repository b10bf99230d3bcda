import { argument, defineCommand, option } from "./define.js";
import { Flag } from "../names/flags.js";

export default defineCommand({
  path: ["env", "set"],
  summary: "store variables encrypted and roll the app onto them (through a change set)",
  example: "racknet env set LOG_LEVEL=debug -a myapp; printf %s \"$TOKEN\" | racknet env set API_TOKEN=- -a myapp",
  arguments: [argument.variadic("assignments", "NAME=value ... (NAME=- reads the value from stdin)")],
  options: {
    fromFile: option.list(`${Flag.fromFile} <NAME=PATH>`, "read NAME's value from a file (repeatable); keeps it out of the shell's history"),
  },
  changesAws: true,
  uses: ["app", "rack", "json"],
  load: () => import("../operations/env-set.js"),
});
