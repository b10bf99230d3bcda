import { defineCommand, option } from "./define.js";
import { Flag } from "../names/flags.js";

export default defineCommand({
  path: ["logs"],
  summary: "the app's container logs, each line prefixed with its service and task",
  example: `racknet logs -a myapp -s web ${Flag.since} 1h ${Flag.follow}`,
  options: {
    service: option.maybeText(`-s, ${Flag.service} <service>`, "only this service's containers"),
    since: option.text(`${Flag.since} <duration>`, "from this long ago, a duration as Convox takes it (30s, 10m, 1h30m)", "2m"),
    follow: option.flag(Flag.follow, "keep printing new lines until Ctrl-C"),
  },
  uses: ["app", "rack", "json"],
  load: () => import("../operations/logs.js"),
});
