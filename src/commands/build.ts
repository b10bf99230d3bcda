import { defineCommand, option } from "./define.js";
import { Flag } from "../names/flags.js";

export default defineCommand({
  path: ["build"],
  summary: "build the app's build: services on the rack and push them to ECR, without deploying",
  example: `racknet build -a myapp ${Flag.file} convox.yml ${Flag.json}`,
  options: { file: option.text(`${Flag.file}, --file <file>`, "manifest file", "convox.yml") },
  uses: ["app", "rack", "json"],
  load: () => import("../operations/build.js"),
});
