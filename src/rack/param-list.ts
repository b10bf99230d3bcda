/**
 * `--rack-params Internal=Yes,internal_router_cidrs=10.1.0.0/16,10.2.0.0/16`: one flag
 * holding several assignments. A comma starts a new assignment only before `NAME=`, so
 * list values keep their commas.
 */
export function splitRackParams(text: string): string[] {
  return text
    .split(/,(?=\s*[A-Za-z_][A-Za-z0-9_-]*\s*=)/)
    .map((item) => item.trim())
    .filter((item) => item !== "");
}
