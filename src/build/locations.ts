/**
 * Where builds keep things in AWS. Pure. (These belong with the other names in src/names
 * once builds are merged; they are here so the build code owns no file outside its room.)
 */

/** The rack bucket's prefix for build contexts; the rack's CodeBuild role may read only this. */
export const BUILD_SOURCE_PREFIX = "builds/";

/** A packed context's key: content-addressed, so one context is one object. */
export function buildSourceKey(app: string, archiveSha256: string): string {
  return `${BUILD_SOURCE_PREFIX}${app}/${archiveSha256}.zip`;
}

/** The app's ECR repository. */
export function repositoryName(rack: string, app: string): string {
  return `${rack}/${app}`;
}
