import { defineCommand } from "./define.js";

export default defineCommand({
  path: ["certs"],
  summary: "every certificate the rack serves (rack CA and public ACM): names, status, expiry, what uses it, and the DNS records still to create",
  example: "racknet certs -r production --json",
  uses: ["rack", "json"],
  load: () => import("../operations/certs.js"),
});
