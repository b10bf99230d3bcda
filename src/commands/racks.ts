import { defineCommand } from "./define.js";
import { Flag } from "../names/flags.js";

export default defineCommand({
  path: ["racks"],
  summary: "racks in the region",
  example: `racknet racks ${Flag.region} eu-west-1`,
  uses: ["json"],
  load: () => import("../operations/racks.js"),
});
