// Test-only: `NODE_OPTIONS=--import=<this file's URL>` makes the built CLI deploy its real rack
// template padded past CloudFormation's 51,200-byte inline limit (12,000 bytes of top-level
// Metadata), so an end-to-end test goes through the real S3 path before the template itself
// grows that large. Nothing in racknet knows of it: this hook rewrites the built module as
// Node loads it, and only in the process it is given to.
import { register } from "node:module";

register(new URL("./pad-rack-template-hooks.mjs", import.meta.url));
