/**
 * The built CLI loads an EC2 client cut to src/aws/ec2-exports.ts (scripts/build-bundle.mjs).
 * A name the source takes from `sdk.ec2()` but the list lacks would be undefined in the built
 * CLI only, where the client-mock tests never look: this reads the source and compares.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { EC2_EXPORTS } from "../../src/aws/ec2-exports.js";

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => (entry.isDirectory() ? sourceFiles(join(dir, entry.name)) : entry.name.endsWith(".ts") ? [join(dir, entry.name)] : []));
}

/** Names destructured from `sdk.ec2()`, and `x.Name` where `x = sdk.ec2()`. */
function ec2NamesUsed(text: string): string[] {
  const names: string[] = [];
  for (const match of text.matchAll(/const\s*\{([^}]*)\}\s*=\s*sdk\.ec2\(\)/g)) names.push(...(match[1] ?? "").split(",").map((name) => name.trim().split(":")[0]?.trim() ?? "").filter(Boolean));
  for (const holder of text.matchAll(/const\s+(\w+)\s*=\s*sdk\.ec2\(\)/g)) {
    for (const use of text.matchAll(new RegExp(`\\b${holder[1]}\\.(\\w+)`, "g"))) names.push(use[1] ?? "");
  }
  for (const match of text.matchAll(/sdk\.ec2\(\)\)?\.(\w+)/g)) names.push(match[1] ?? "");
  return names;
}

describe("the EC2 client the build cuts to racknet's needs", () => {
  it("lists every name the source takes from sdk.ec2()", () => {
    const used = new Set(sourceFiles(join(import.meta.dirname, "..", "..", "src")).flatMap((file) => ec2NamesUsed(readFileSync(file, "utf8"))));
    expect(used.size).toBeGreaterThan(10);
    expect([...used].filter((name) => !(EC2_EXPORTS as readonly string[]).includes(name)).sort()).toEqual([]);
  });
});
