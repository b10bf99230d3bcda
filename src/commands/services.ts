import { defineCommand } from "./define.js";
import { Flag } from "../names/flags.js";

export default defineCommand({
  path: ["services"],
  summary: "each service, how it is exposed, its endpoints and ports",
  example: `racknet services -a myapp ${Flag.json}`,
  uses: ["app", "rack", "json"],
  load: () => import("../operations/services.js"),
});
