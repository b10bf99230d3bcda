import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import type { Template } from "../../src/templates/cfn.js";

const run = promisify(execFile);

export interface LintFinding {
  file: string;
  rule: string;
  level: string;
  message: string;
  path: string;
}

/**
 * Lint many templates in one cfn-lint process (it starts slowly). Returns findings by
 * template name; only errors unless `includeWarnings` (informational findings come only
 * with `includeInformational`, and are kept with the warnings).
 */
export async function cfnLint(
  templates: Record<string, Template>,
  options: { includeWarnings?: boolean; includeInformational?: boolean; region?: string; regions?: readonly string[] } = {},
): Promise<Record<string, LintFinding[]>> {
  const dir = mkdtempSync(join(tmpdir(), "racknet-lint-"));
  try {
    const files = Object.entries(templates).map(([name, template]) => {
      const file = join(dir, `${name}.json`);
      writeFileSync(file, JSON.stringify(template, null, 2));
      return { name, file };
    });
    // `-c I` adds the informational rules, which cfn-lint leaves out by default.
    const informational = options.includeInformational ? ["--include-checks", "I"] : [];
    const args = ["--format", "json", "--regions", ...(options.regions ?? [options.region ?? "us-east-1"]), ...informational, "--", ...files.map((f) => f.file)];
    let stdout = "";
    try {
      ({ stdout } = await run("cfn-lint", args, { maxBuffer: 64 * 1024 * 1024 }));
    } catch (error) {
      // cfn-lint exits non-zero when it finds anything; its JSON is still on stdout.
      const failed = error as { stdout?: string; stderr?: string; code?: number };
      if (!failed.stdout) throw new Error(`cfn-lint failed: ${failed.stderr ?? String(error)}`);
      stdout = failed.stdout;
    }
    const raw = JSON.parse(stdout || "[]") as Array<{
      Filename: string;
      Level: string;
      Message: string;
      Rule: { Id: string };
      Location: { Path?: Array<string | number> };
    }>;
    const byName: Record<string, LintFinding[]> = Object.fromEntries(files.map((f) => [f.name, []]));
    for (const finding of raw) {
      if (!options.includeWarnings && finding.Level !== "Error") continue;
      const owner = files.find((f) => finding.Filename.endsWith(`${f.name}.json`));
      if (!owner) continue;
      byName[owner.name]?.push({
        file: owner.name,
        rule: finding.Rule.Id,
        level: finding.Level,
        message: finding.Message,
        path: (finding.Location.Path ?? []).join("."),
      });
    }
    return byName;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
