// Test-only: `NODE_OPTIONS=--import=<this file's URL>` with RACKNET_TEST_RACK_TEMPLATE=<a JSON
// template> makes the built CLI deploy that template as its rack template, as the racknet
// that rendered it did (test/fixtures/rack-templates/: the templates earlier racknets
// deployed), so an end-to-end test can install a rack an older racknet made and update it
// with this one. Nothing in racknet knows of it: the hook rewrites the built module as Node
// loads it, and only in the process it is given to.
import { register } from "node:module";

if (!process.env.RACKNET_TEST_RACK_TEMPLATE) throw new Error("old-rack-template: set RACKNET_TEST_RACK_TEMPLATE to the template's path");
register(new URL("./old-rack-template-hooks.mjs", import.meta.url), { data: { template: process.env.RACKNET_TEST_RACK_TEMPLATE } });
