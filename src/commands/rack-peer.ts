import { argument, defineCommand, option } from "./define.js";
import { Flag } from "../names/flags.js";

export default defineCommand({
  path: ["rack", "peer"],
  summary: "peer two racks: connection, routes both ways, router access and names (docs/peering.md)",
  example: `racknet rack peer production staging ${Flag.peerRegion} eu-west-1`,
  arguments: [argument.required("rack", `the rack that asks for the peering (in ${Flag.region})`), argument.required("peer", "the rack it is peered with")],
  options: {
    peerRegion: option.maybeText(`${Flag.peerRegion} <region>`, "the peer's Region (default: the rack's)"),
    peerProfile: option.maybeText(`${Flag.peerProfile} <profile>`, "the profile of the peer's account (a rack in another account): racknet makes that side's changes with it"),
  },
  changesAws: true,
  uses: ["json"],
  load: () => import("../operations/rack-peer.js"),
});
