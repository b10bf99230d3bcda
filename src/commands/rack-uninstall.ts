import { argument, defineCommand } from "./define.js";
import { Flag } from "../names/flags.js";

export default defineCommand({
  path: ["rack", "uninstall"],
  summary: "delete a rack (refused while it has apps)",
  example: `racknet rack uninstall staging ${Flag.yes}`,
  arguments: [argument.required("name", "the rack's name")],
  changesAws: true,
  uses: ["json"],
  load: () => import("../operations/rack-uninstall.js"),
});
