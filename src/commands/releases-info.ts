import { argument, defineCommand } from "./define.js";

export default defineCommand({
  path: ["releases", "info"],
  summary: "one release: its images, environment version, scale, manifest, who made it and how it ended",
  example: "racknet releases info 4 -a myapp",
  arguments: [argument.required("release", "the release number (4 or r4)")],
  uses: ["app", "rack", "json"],
  load: () => import("../operations/releases-info.js"),
});
