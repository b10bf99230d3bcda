/**
 * The limits a build context is held to before anything is uploaded (docs/build.md says why).
 *
 * 512 MiB of files: docker has no limit, but every byte goes over the user's uplink to S3
 * on each source change (about 7 minutes at 10 Mbit/s), and a context that large is nearly
 * always a `node_modules`, `.git` or build-output folder that `.dockerignore` should drop.
 * A single S3 PutObject takes up to 5 GB, so the limit is ours, not S3's.
 */
export const MAX_CONTEXT_BYTES = 512 * 1024 * 1024;

/** How many of the largest top-level entries a too-large refusal names. */
export const LARGEST_ENTRIES_SHOWN = 5;
