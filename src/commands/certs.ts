import { defineCommand } from "./define.js";
import { Flag } from "../names/flags.js";

export default defineCommand({
  path: ["certs"],
  summary: "every certificate the rack serves (rack CA and public ACM): names, status, expiry, what uses it, and the DNS records still to create",
  example: `racknet certs -r production ${Flag.json}`,
  uses: ["rack", "json"],
  load: () => import("../operations/certs.js"),
});
