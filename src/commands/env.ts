import { defineCommand, option } from "./define.js";
import { Flag } from "../names/flags.js";

export default defineCommand({
  path: ["env"],
  summary: `the app environment (values masked; ${Flag.reveal} shows them)`,
  example: "racknet env -a myapp",
  options: { reveal: option.flag(Flag.reveal, "show the values") },
  uses: ["app", "rack", "json"],
  load: () => import("../operations/env.js"),
});
