import { defineCommand } from "./define.js";

export default defineCommand({
  path: ["racks"],
  summary: "racks in the region",
  example: "racknet racks --region eu-west-1",
  uses: ["json"],
  load: () => import("../operations/racks.js"),
});
