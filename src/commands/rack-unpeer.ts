import { argument, defineCommand, option } from "./define.js";
import { Flag } from "../names/flags.js";

export default defineCommand({
  path: ["rack", "unpeer"],
  summary: "undo rack peer: routes, the peering connection, router access and names",
  example: `racknet rack unpeer production staging ${Flag.peerRegion} eu-west-1`,
  arguments: [argument.required("rack", `the rack that asked for the peering (in ${Flag.region})`), argument.required("peer", "the rack it is peered with")],
  options: {
    peerRegion: option.maybeText(`${Flag.peerRegion} <region>`, "the peer's Region (default: the rack's)"),
    peerProfile: option.maybeText(`${Flag.peerProfile} <profile>`, "the profile of the peer's account, as given to rack peer"),
  },
  changesAws: true,
  uses: ["json"],
  load: () => import("../operations/rack-unpeer.js"),
});
