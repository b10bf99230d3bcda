import { defineCommand, option } from "./define.js";
import { Flag } from "../names/flags.js";

export default defineCommand({
  path: ["private-networks-domain-names"],
  summary: "private DNS names of the app's containers",
  example: "racknet private-networks-domain-names -a myapp",
  options: {
    page: option.text(`${Flag.page} <n>`, "page number, from 1", "1"),
    perPage: option.text(`${Flag.perPage} <n>`, "names per page", "20"),
  },
  uses: ["app", "rack", "json"],
  load: () => import("../operations/private-networks-domain-names.js"),
});
