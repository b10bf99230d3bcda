import { defineCommand, option } from "./define.js";
import { Flag } from "../names/flags.js";

export default defineCommand({
  path: ["rack", "update"],
  summary: "move a rack installed by an older racknet to this racknet's rack template, through a change set, keeping its parameters and apps",
  example: "racknet rack update -r production",
  options: {
    apps: option.flag(Flag.apps, "take every app into the update, each through its own change set onto the rack's facts, whether or not they changed (each app takes this racknet's app template on its next deploy)"),
  },
  changesAws: true,
  uses: ["rack", "json"],
  load: () => import("../operations/rack-update.js"),
});
