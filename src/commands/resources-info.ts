import { argument, defineCommand, option } from "./define.js";

export default defineCommand({
  path: ["resources", "info"],
  summary: "one database or cache: engine, size, status, host and port (its URL only with --reveal)",
  example: "racknet resources info db -a myapp --reveal",
  arguments: [argument.required("name", "NAME")],
  options: { reveal: option.flag("--reveal", "show the URL, password included") },
  uses: ["app", "rack", "json"],
  load: () => import("../operations/resources-info.js"),
});
