import { argument, defineCommand, option } from "./define.js";
import { Flag } from "../names/flags.js";

export default defineCommand({
  path: ["rack", "template"],
  summary: "print the CloudFormation template racknet deploys for a rack, for review (offline); deploying it without racknet needs more (docs/rack-template.md)",
  example: `racknet rack template Private=Yes ${Flag.minify} > rack.json`,
  arguments: [argument.variadic("params", "rack parameters, K=V: the template's defaults")],
  options: {
    minify: option.flag(Flag.minify, "compact JSON: fits the 51,200 bytes `aws cloudformation deploy --template-file` takes without --s3-bucket"),
  },
  load: () => import("../operations/rack-template.js"),
});
