import { argument, defineCommand, option } from "./define.js";
import { Flag } from "../names/flags.js";

export default defineCommand({
  path: ["scale"],
  summary: "set a service's count, CPU or memory without editing convox.yml (kept until convox.yml changes that key)",
  example: `racknet scale web ${Flag.count} 3 -a myapp`,
  arguments: [argument.required("service", "the service")],
  options: {
    count: option.maybeText(`${Flag.count} <N|N-M>`, "tasks: a number, or a range that autoscales"),
    cpu: option.maybeText(`${Flag.cpu} <units>`, "CPU units (1024 = one vCPU), a Fargate size"),
    memory: option.maybeText(`${Flag.memory} <MiB>`, "memory in MiB, a Fargate size with the CPU"),
  },
  changesAws: true,
  uses: ["app", "rack", "json"],
  load: () => import("../operations/scale.js"),
});
