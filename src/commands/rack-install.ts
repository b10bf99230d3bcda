import { argument, defineCommand, option } from "./define.js";

export default defineCommand({
  path: ["rack", "install"],
  summary: "create a rack (Param=Value ...; --private is Private=Yes)",
  example: "racknet rack install production --private Internal=Yes",
  arguments: [argument.required("name", "the rack's name"), argument.variadic("params", "rack parameters, K=V")],
  options: { private: option.flag("--private", "install with Private=Yes") },
  changesAws: true,
  uses: ["json"],
  load: () => import("../operations/rack-install.js"),
});
