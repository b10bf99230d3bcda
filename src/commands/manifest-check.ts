import { defineCommand, option } from "./define.js";
import { Flag } from "../names/flags.js";

export default defineCommand({
  path: ["manifest", "check"],
  summary: "validate convox.yml offline and print what a deploy would expose",
  example: `racknet manifest check ${Flag.file} convox.yml ${Flag.rackParams} Internal=Yes,InternalOnly=Yes`,
  options: {
    file: option.text(`${Flag.file}, --file <file>`, "manifest file", "convox.yml"),
    rackParams: option.maybeText(`${Flag.rackParams} <params>`, "rack parameters to check against, K=V,K=V"),
  },
  uses: ["app", "rack", "json"],
  load: () => import("../operations/manifest-check.js"),
});
