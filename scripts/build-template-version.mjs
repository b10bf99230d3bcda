#!/usr/bin/env node
// Writes dist/rack-template-version.txt: this build's rack template version (the template's
// own marker, src/templates/rack-version.ts), so `racknet rack` and `racknet racks` say
// whether a rack is behind without loading or rendering the template (src/steps/rack-standing.ts).
import { writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const dist = join(dirname(fileURLToPath(import.meta.url)), "..", "dist");
const { renderedTemplateVersion } = await import(join(dist, "steps", "rack-template.js"));
writeFileSync(join(dist, "rack-template-version.txt"), `${renderedTemplateVersion()}\n`);
