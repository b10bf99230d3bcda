import { argument, defineCommand, option } from "./define.js";
import { Flag } from "../names/flags.js";

export default defineCommand({
  path: ["resources", "info"],
  summary: `one database or cache: engine, size, status, host and port (its URL only with ${Flag.reveal})`,
  example: `racknet resources info db -a myapp ${Flag.reveal}`,
  arguments: [argument.required("name", "NAME")],
  options: { reveal: option.flag(Flag.reveal, "show the URL, password included") },
  uses: ["app", "rack", "json"],
  load: () => import("../operations/resources-info.js"),
});
