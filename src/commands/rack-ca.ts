import { defineCommand } from "./define.js";

export default defineCommand({
  path: ["rack", "ca"],
  summary: "print the rack's CA certificate (PEM)",
  example: "racknet rack ca -r production > rack-ca.pem",
  uses: ["rack", "json"],
  load: () => import("../operations/rack-ca.js"),
});
