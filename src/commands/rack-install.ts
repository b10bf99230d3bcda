import { argument, defineCommand, option } from "./define.js";
import { Flag } from "../names/flags.js";

export default defineCommand({
  path: ["rack", "install"],
  summary: `create a rack (Param=Value ...; ${Flag.private} is Private=Yes)`,
  example: `racknet rack install production ${Flag.private} Internal=Yes`,
  arguments: [argument.required("name", "the rack's name"), argument.variadic("params", "rack parameters, K=V")],
  options: { private: option.flag(Flag.private, "install with Private=Yes") },
  changesAws: true,
  uses: ["json"],
  load: () => import("../operations/rack-install.js"),
});
