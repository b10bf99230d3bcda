import { loadSharedConfigFiles } from "@smithy/core/config";

/**
 * True when the named profile is in the shared config or credentials file (AWS_CONFIG_FILE
 * and AWS_SHARED_CREDENTIALS_FILE honoured): the SDK reports a missing profile as missing
 * credentials, which sends the user looking in the wrong place.
 */
export async function profileExists(profile: string): Promise<boolean> {
  const { configFile, credentialsFile } = await loadSharedConfigFiles({ ignoreCache: true });
  return Object.hasOwn(configFile, profile) || Object.hasOwn(credentialsFile, profile);
}
