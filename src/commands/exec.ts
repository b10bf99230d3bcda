import { argument, defineCommand, option } from "./define.js";
import { Flag } from "../names/flags.js";

export default defineCommand({
  path: ["exec"],
  summary: "a command inside a running task of a service (ECS Exec; turn it on with `racknet apps params set Exec=Yes`)",
  example: "racknet exec web -a myapp -- sh",
  arguments: [argument.required("service", "the service"), argument.some("command", "the command, after --")],
  options: { task: option.maybeText(`${Flag.task} <id>`, "this task (default: a running task of the service)") },
  uses: ["app", "rack"],
  load: () => import("../operations/exec.js"),
});
