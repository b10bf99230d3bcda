import { defineCommand } from "./define.js";

export default defineCommand({
  path: ["rack"],
  summary: "show the rack: status, region, parameters, load balancers, outbound IPs",
  example: "racknet rack -r production",
  uses: ["rack", "json"],
  load: () => import("../operations/rack-show.js"),
});
