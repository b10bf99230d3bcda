import { argument, defineCommand, option } from "./define.js";
import { Flag } from "../names/flags.js";

export default defineCommand({
  path: ["run"],
  summary: "a one-off task from a service's task definition, environment and network; its logs, and its exit code as racknet's",
  example: "racknet run web -a myapp -- bin/rails db:migrate",
  arguments: [argument.required("service", "the service whose task definition and network the task gets"), argument.variadic("command", "the command, after -- (default: the service's own)")],
  options: {
    detach: option.flag(Flag.detach, "start the task, print its id and exit 0"),
    timeout: option.maybeText(`${Flag.timeout} <duration>`, "stop the task when it runs longer than this (30s, 10m, 1h)"),
  },
  uses: ["app", "rack", "json"],
  load: () => import("../operations/run.js"),
});
