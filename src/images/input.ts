/**
 * What the build code takes from the manifest, until the manifest's service model carries
 * `build: {path, dockerfile, args}` itself. The workflow maps each `build:` service to one
 * of these; nothing here reads convox.yml.
 */
export interface ServiceBuildInput {
  service: string;
  /** `build.path` as written, relative to the app's folder (`.` by default). */
  path: string;
  /** `build.manifest` as written, relative to `path` (`Dockerfile` by default). */
  dockerfile: string;
  /** `build.args` entries as written: `NAME` or `NAME=VALUE`. */
  args: readonly string[];
  /** Where the service's `build:` key is, e.g. `convox.yml:7:5`, for error messages. */
  where?: string;
}
