import { defineCommand } from "./define.js";

export default defineCommand({
  path: ["rack", "peers"],
  summary: "the Region's peerings: connection state, and whether routes, router access and names are complete on both sides",
  example: "racknet rack peers -r production",
  uses: ["rack", "json"],
  load: () => import("../operations/rack-peers.js"),
});
