/**
 * One home per name: the rack template's parameter names (src/names/rack-parameters.ts) and
 * output names (src/names/rack-outputs.ts), the private zones' names and the ids built from a
 * stack's UUID (src/names/index.ts), the template expression of a stack's own UUID
 * (src/templates/cfn.ts), and the templates' logical ids (each built or spelled in one file)
 * are spelled once; every other file imports them. A second spelling in src/ fails here, with
 * the file and the line.
 */
import { readFileSync, readdirSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { parseManifest } from "../../src/manifest/index.js";
import { Flag } from "../../src/names/flags.js";
import { RackOutput } from "../../src/names/rack-outputs.js";
import { RackParameter } from "../../src/names/rack-parameters.js";
import { appTemplate } from "../../src/templates/app.js";
import { caRenewalFragment } from "../../src/templates/rack-ca-renewal.js";
import { privateNetworkSyncFragment } from "../../src/templates/rack-privnet-sync.js";
import { rackTemplate } from "../../src/templates/rack.js";

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
/** One of racknet's flags that src/names/flags.ts holds, spelled out (`--yes`, not `--yes-please`; `-f`, not `--file`). */
const FLAG = new RegExp(`(?<![\\w-])(${Object.values(Flag).join("|")})(?![a-z-])`, "g");
/**
 * Another program whose flags racknet's messages write (`aws ... --region`, `iconv -f`, a
 * shell's `[ -f`): a flag that follows one in the same command is that program's. A command
 * starts after a quote, a backquote, a parenthesis, `;` or `|` (outside `${}`). (`complete -c racknet`: there
 * racknet is complete's argument.)
 */
const OTHER_PROGRAM = /(?:^|\s)(aws|docker|iconv|compgen|complete|\[)\s/;

/** The flags in a line of code that are racknet's: spelled as Flag holds them and not in another program's command. */
function racknetFlags(code: string): string[] {
  return [...code.matchAll(FLAG)].filter((match) => {
    // What an interpolation holds (`${f(x)}`, `${a ? "" : b}`) is no command boundary.
    const command = code.slice(0, match.index).replace(/\$\{[^{}]*(\{[^{}]*\}[^{}]*)*\}/g, "x").split(/["'`(;|]/).at(-1) ?? "";
    return !OTHER_PROGRAM.test(command);
  }).map((match) => match[1] ?? "");
}
const outputNames = Object.values(RackOutput).join("|");
/** A rack output read by its own spelling (`outputs.VpcId`, `Outputs["Cluster"]`), named by a load balancer's entry, or given a constant or an app parameter of its own. */
const OUTPUT = new RegExp(`\\b(outputs|Outputs|rackOutputs)(\\??\\.(${outputNames})\\b|\\??\\.?\\[\\s*["'\`](${outputNames})["'\`])|\\b(listener|securityGroup|dns|zoneId|hostedZone): ["'\`](${outputNames})["'\`]|\\b(?<same>${outputNames}): ["'\`]\\k<same>["'\`]|OUTPUT\\w* = ["'\`](${outputNames})["'\`]`);

/**
 * The shape of a logical id built in a template literal, `${...}` as `*`: `*TaskDefinition`,
 * `NatGateway*`. Only literals of letters, digits and `${}` with a capitalised word count
 * (messages have spaces). One shape, one file: a second file building it is a second home.
 */
function idShapes(lines: readonly { where: string; file: string; code: string }[]): Map<string, { file: string; where: string }[]> {
  const shapes = new Map<string, { file: string; where: string }[]>();
  for (const { where, file, code } of lines) {
    for (const match of code.matchAll(/`((?:[A-Za-z0-9]*\$\{[^{}`]*(?:\{[^{}`]*\}[^{}`]*)*\}[A-Za-z0-9]*)+)`/g)) {
      const shape = (match[1] ?? "").replace(/\$\{[^{}`]*(?:\{[^{}`]*\}[^{}`]*)*\}/g, "*");
      if (!/[A-Z][A-Za-z0-9]{2,}/.test(shape) || !/^[A-Za-z0-9*]+$/.test(shape)) continue;
      shapes.set(shape, [...(shapes.get(shape) ?? []), { file, where }]);
    }
  }
  return shapes;
}

function builtInTwoFiles(lines: readonly { where: string; file: string; code: string }[]): string[] {
  return [...idShapes(lines)].filter(([, places]) => new Set(places.map((place) => place.file)).size > 1).map(([shape, places]) => `${shape}: ${places.map((place) => place.where).join(", ")}`);
}

/** Every logical id (resources and conditions) of the rack template and of the app template for the fixtures' apps. */
function logicalIds(): { rack: string[]; app: string[] } {
  const rack = rackTemplate({ version: "0.0.0-test", extra: [privateNetworkSyncFragment("exports.handler = async () => ({});"), caRenewalFragment("exports.handler = async () => ({});")] });
  const app = new Set<string>();
  const fixtures = join(root, "test", "fixtures", "apps");
  for (const file of readdirSync(fixtures)) {
    const { manifest } = parseManifest(readFileSync(join(fixtures, file), "utf8"), "convox.yml");
    if (!manifest) throw new Error(`${file} has problems`);
    const priorities = Object.fromEntries(manifest.services.flatMap((service, index) => ["external", "internal", "router"].map((kind, offset) => [`${service.name}:${kind}`, 10 + index * 3 + offset])));
    const template = appTemplate({ rack: "prod", app: "myapp", manifest, version: "0.0.0-test", priorities });
    for (const id of [...Object.keys(template.Resources), ...Object.keys(template.Conditions ?? {})]) app.add(id);
  }
  return { rack: [...Object.keys(rack.Resources), ...Object.keys(rack.Conditions ?? {})], app: [...app] };
}

/** The ids of `ids` spelled as a whole string literal in more than one file (`others`: files whose names are of another kind and may share a spelling). */
function spelledInTwoFiles(ids: readonly string[], others: (file: string) => boolean): string[] {
  const lines = codeLines().filter(({ file }) => !others(file));
  return ids.flatMap((id) => {
    const literal = new RegExp(`["'\`]${id}["'\`]`);
    const places = lines.filter(({ code }) => literal.test(code));
    return new Set(places.map((place) => place.file)).size > 1 ? [`${id}: ${places.map((place) => place.where).join(", ")}`] : [];
  });
}

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

  it("racknet's flags are named by their declarations and messages only through Flag", () => {
    const spelled = codeLines().filter(({ file, code }) => file !== "src/names/flags.ts" && racknetFlags(code).length > 0);
    expect(spelled.map(({ where, code }) => `${where}: ${code.trim()}`)).toEqual([]);
  });

  it("a logical id built from a service, a zone or a table is built in one file", () => {
    expect(builtInTwoFiles(codeLines())).toEqual([]);
  });

  it("a fixed logical id of the rack or app template is spelled in one file", () => {
    const ids = logicalIds();
    // A rack output or parameter may be spelled as a resource (`Cluster`), and the two templates
    // each have an `ExecutionRole`: other kinds of name, each with its own home.
    const otherKinds = (file: string) => ["src/names/rack-outputs.ts", "src/names/rack-parameters.ts"].includes(file);
    expect(spelledInTwoFiles(ids.rack, (file) => otherKinds(file) || file.startsWith("src/templates/app"))).toEqual([]);
    expect(spelledInTwoFiles(ids.app, (file) => otherKinds(file) || file.startsWith("src/templates/rack"))).toEqual([]);
  });

  it("each check finds a second spelling (the checks themselves can fail)", () => {
    for (const line of ['cidr(ref("VPCCIDR"), 8, bits)', "cfn.AvailabilityZones = zones;", 'const arn = rack.parameters.RackCertificateArn;', '  { name: "x", cfnName: "Private" },']) expect(line).toMatch(PARAMETER);
    for (const line of ["const zone = `${rack}.router.convox`;", 'sub("${AWS::StackName}.convox")', 'join("", ["pn-", uuid])']) expect(line).toMatch(ZONE);
    expect('{ "Fn::Split": ["/", { Ref: "AWS::StackId" }] }').toMatch(STACK_UUID);
    for (const line of ["const vpc = rack.outputs.VpcId ?? \"\";", 'delete merged.Outputs["BuildProject"];', 'outputs: { listener: "ExternalListener", dns: x },', '  Cluster: "Cluster",', 'export const TEMPLATE_VERSION_OUTPUT = "TemplateVersion";']) expect(line).toMatch(OUTPUT);
    for (const line of ['fix: "run the command again with --yes"', "flags.push(`--allow-destroy`);", '.option("--dry-run", "create the change set")', "command: `racknet rack peer ${a} ${b} --peer-region ${r}`"]) expect(racknetFlags(line)).not.toEqual([]);
    for (const line of ['fix: "pass --region REGION, or set AWS_REGION"', "run `racknet racks --region ${region}` to list them", 'fix: "name the manifest with -f convox.yml"', ".option(\"--profile <profile>\")", 'fix: "list them with `aws configure list-profiles`, then pass one with --profile"']) expect(racknetFlags(line)).not.toEqual([]);
    for (const line of ["fix: `run the command again with ${Flag.yes}`", "`aws ec2 describe-vpcs --region ${region}`", "`aws cloudformation describe-stacks --stack-name ${name(a, b)} --region ${r}`", "fix: `check it (aws sts get-caller-identity --profile ${profile})`", '"for example: iconv -f UTF-16 -t UTF-8 x"', '"complete -c racknet -f",', "`if [ ! -f ${STATE}/started ]; then`", 'option.text(`${Flag.file}, --file <file>`)']) expect(racknetFlags(line)).toEqual([]);
    const planted = (file: string, code: string) => ({ where: `${file}:1`, file, code });
    expect(builtInTwoFiles([planted("src/a.ts", "return { service: `${id}Service` };"), planted("src/b.ts", "ref(`${logicalName(name)}Service`)")])).toHaveLength(1);
    expect(builtInTwoFiles([planted("src/a.ts", "`${id}Service`"), planted("src/a.ts", "`${id}Service`"), planted("src/b.ts", "`cannot ${id}Service`")])).toEqual([]);
    for (const line of ["const vpc = rack.outputs[RackOutput.VpcId];", '  Cluster: RackOutput.Cluster,', 'const cluster = outputs.clusterName;']) expect(line).not.toMatch(OUTPUT);
  });
});
