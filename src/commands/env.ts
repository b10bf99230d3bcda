import { defineCommand, option } from "./define.js";

export default defineCommand({
  path: ["env"],
  summary: "the app environment (values masked; --reveal shows them)",
  example: "racknet env -a myapp",
  options: { reveal: option.flag("--reveal", "show the values") },
  uses: ["app", "rack", "json"],
  load: () => import("../operations/env.js"),
});
