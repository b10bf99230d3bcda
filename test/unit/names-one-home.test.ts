/**
 * One home per name: the rack template's parameter names (src/names/rack-parameters.ts), the
 * private zones' names and the ids built from a stack's UUID (src/names/index.ts), and the
 * template expression of a stack's own UUID (src/templates/cfn.ts) are spelled once; every
 * other file imports them. A second spelling in src/ fails here, with the file and the line.
 */
import { readFileSync, readdirSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { RackOutput } from "../../src/names/rack-outputs.js";
import { RackParameter } from "../../src/names/rack-parameters.js";

const root = join(import.meta.dirname, "..", "..");

function sourceFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith(".ts") ? [path] : [];
  });
}

/** Each line of code in src/ (comments left out: prose may name anything), with where it is. */
function codeLines(): { where: string; file: string; code: string }[] {
  return sourceFiles(join(root, "src")).flatMap((path) => {
    const file = relative(root, path);
    return readFileSync(path, "utf8")
      .split("\n")
      .map((line, index) => ({ where: `${file}:${index + 1}`, file, code: line.replace(/\/\/ .*$/, "") }))
      .filter(({ code }) => !/^\s*(\/\*\*?|\*)/.test(code));
  });
}

/** Lines outside `home` that match `pattern`. */
function secondHomes(pattern: RegExp, home: readonly string[]): string[] {
  return codeLines()
    .filter(({ file, code }) => !home.includes(file) && pattern.test(code))
    .map(({ where, code }) => `${where}: ${code.trim()}`);
}

const parameterNames = Object.values(RackParameter).join("|");
const PARAMETER = new RegExp(`(ref|isYes|slotConditions)\\(\\s*"(${parameterNames})"|(cfnName|parameter): "(${parameterNames})"|\\b(cfn|\\.parameters|stored)\\.(${parameterNames})\\b|^\\s*(${parameterNames}): \\{`);
const ZONE = /(\$\{[^}]+\}|"|`)\.?(router\.)?convox["`]|private-network\.internal|["`](pn|ap)-["`$]/;
const STACK_UUID = /AWS::StackId/;
const outputNames = Object.values(RackOutput).join("|");
/** A rack output read by its own spelling (`outputs.VpcId`, `Outputs["Cluster"]`), named by a load balancer's entry, or given a constant or an app parameter of its own. */
const OUTPUT = new RegExp(`\\b(outputs|Outputs|rackOutputs)(\\??\\.(${outputNames})\\b|\\??\\.?\\[\\s*["'\`](${outputNames})["'\`])|\\b(listener|securityGroup|dns|zoneId|hostedZone): ["'\`](${outputNames})["'\`]|\\b(?<same>${outputNames}): ["'\`]\\k<same>["'\`]|OUTPUT\\w* = ["'\`](${outputNames})["'\`]`);

describe("one home per name", () => {
  it("the rack template's parameters are named only through RackParameter", () => {
    expect(secondHomes(PARAMETER, ["src/names/rack-parameters.ts"])).toEqual([]);
  });

  it("the rack's private zones are named only by src/names", () => {
    expect(secondHomes(ZONE, ["src/names/index.ts"])).toEqual([]);
  });

  it("a stack's own UUID is computed in a template by one expression", () => {
    expect(secondHomes(STACK_UUID, ["src/templates/cfn.ts"])).toEqual([]);
  });

  it("the rack's outputs are named only through RackOutput", () => {
    // rack-ids.ts names the rack's resources: some logical ids are spelled as the outputs they give.
    expect(secondHomes(OUTPUT, ["src/names/rack-outputs.ts", "src/templates/rack-ids.ts"])).toEqual([]);
  });

  it("each check finds a second spelling (the checks themselves can fail)", () => {
    for (const line of ['cidr(ref("VPCCIDR"), 8, bits)', "cfn.AvailabilityZones = zones;", 'const arn = rack.parameters.RackCertificateArn;', '  { name: "x", cfnName: "Private" },']) expect(line).toMatch(PARAMETER);
    for (const line of ["const zone = `${rack}.router.convox`;", 'sub("${AWS::StackName}.convox")', 'join("", ["pn-", uuid])']) expect(line).toMatch(ZONE);
    expect('{ "Fn::Split": ["/", { Ref: "AWS::StackId" }] }').toMatch(STACK_UUID);
    for (const line of ["const vpc = rack.outputs.VpcId ?? \"\";", 'delete merged.Outputs["BuildProject"];', 'outputs: { listener: "ExternalListener", dns: x },', '  Cluster: "Cluster",', 'export const TEMPLATE_VERSION_OUTPUT = "TemplateVersion";']) expect(line).toMatch(OUTPUT);
    for (const line of ["const vpc = rack.outputs[RackOutput.VpcId];", '  Cluster: RackOutput.Cluster,', 'const cluster = outputs.clusterName;']) expect(line).not.toMatch(OUTPUT);
  });
});
