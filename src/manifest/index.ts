/** convox.yml: parse with positions, schema, rules, the app environment, and what a deploy exposes. Pure: src/files/manifest.ts reads the file. */
export { parseManifest, type ParsedManifest } from "./parse.js";
export { manifestFromText, type LoadedManifest } from "./load.js";
export { checkManifest, manifestRules, deploymentRules, SERVICE_NAME_MAX } from "./rules.js";
export { exposureSummary, serviceEndpoints, endpoint, linkVariables, DOMAIN_PLACEHOLDER, LISTENER_PORT, type Endpoint, type ExposureContext, type LinkVariable, type ServiceExposure } from "./exposure.js";
export { resolveEnvironment, interpolate, environmentValueProblem, type ResolvedEnvironment, type EnvironmentInput } from "./environment.js";
export { ENVIRONMENT_VALUE_MAX_BYTES, HOST_CONDITION_MAX, SOURCE_IP_VALUES_MAX } from "./limits.js";
export { convoxSchema } from "./schema.js";
export * from "./model.js";
