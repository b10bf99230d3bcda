import { createRequire } from "node:module";

/**
 * True when the named profile is in the shared config or credentials file (AWS_CONFIG_FILE
 * and AWS_SHARED_CREDENTIALS_FILE honoured): the SDK reports a missing profile as missing
 * credentials, which sends the user looking in the wrong place. Smithy's config reader is
 * loaded here, when an error asks, not with every command (it pulls in four Smithy modules).
 */
export async function profileExists(profile: string): Promise<boolean> {
  const { loadSharedConfigFiles } = createRequire(import.meta.url)("@smithy/core/config") as typeof import("@smithy/core/config");
  const { configFile, credentialsFile } = await loadSharedConfigFiles({ ignoreCache: true });
  return Object.hasOwn(configFile, profile) || Object.hasOwn(credentialsFile, profile);
}
