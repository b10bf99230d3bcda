#!/usr/bin/env node
// Writes dist/rack-template-versions.json: this build's rack template version for each variant
// a Region can get (the template's own marker, src/templates/rack-version.ts), so `racknet
// rack` and `racknet racks` say whether a rack is behind without loading or rendering the
// template (src/rack-steps/rack-standing.ts).
import { writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const dist = join(dirname(fileURLToPath(import.meta.url)), "..", "dist");
const { renderedTemplateVersion } = await import(join(dist, "rack-steps", "rack-template.js"));
const { VARIANT_REGIONS } = await import(join(dist, "rack-steps", "rack-standing.js"));
const versions = Object.fromEntries(Object.entries(VARIANT_REGIONS).map(([variant, region]) => [variant, renderedTemplateVersion(region)]));
writeFileSync(join(dist, "rack-template-versions.json"), `${JSON.stringify(versions, null, 2)}\n`);
