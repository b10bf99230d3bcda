import { argument, defineCommand } from "./define.js";

export default defineCommand({
  path: ["rack", "template"],
  summary: "print the rack's CloudFormation template (offline)",
  example: "racknet rack template Private=Yes > rack.json",
  arguments: [argument.variadic("params", "rack parameters, K=V: the template's defaults")],
  load: () => import("../operations/rack-template.js"),
});
