import { createRequire } from "node:module";

/** racknet's version, from package.json (tagged on every stack as `racknet:version`). */
export function racknetVersion(): string {
  const require = createRequire(import.meta.url);
  return (require("../package.json") as { version: string }).version;
}
