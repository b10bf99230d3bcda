import { defineCommand, option } from "./define.js";
import { Flag } from "../names/flags.js";

export default defineCommand({
  path: ["deploy"],
  summary: "validate convox.yml against the rack, then create or update the app",
  example: `racknet deploy -a myapp ${Flag.file} convox.yml ${Flag.yes}`,
  options: {
    file: option.text(`${Flag.file}, --file <file>`, "manifest file", "convox.yml"),
    timeout: option.maybeText(`${Flag.timeout} <duration>`, "an update still running after this long (10m, 1h) is cancelled and rolled back (exit 3)"),
    image: option.list(`${Flag.image} <SERVICE=URI>`, "run this prebuilt image for a build: service instead of building it (repeatable)"),
  },
  changesAws: true,
  uses: ["app", "rack", "json"],
  load: () => import("../operations/deploy.js"),
});
