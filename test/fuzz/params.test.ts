import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { CommandContext } from "../../src/runtime/context.js";
import { ValidationErrors } from "../../src/errors/index.js";
import { run as rackTemplateWorkflow } from "../../src/operations/rack-template.js";
import { PARAMS, applyAssignments, defaultParams, type ParamName, type RackParams } from "../../src/rack/params.js";
import { Printer } from "../../src/ui/printer.js";
import { fuzzOptions } from "./budget.js";
import { Capture, noAws as offlineAws } from "../support/offline.js";
import { printing } from "../support/printing.js";
import { testPorts } from "../support/ports.js";
const rackTemplate = printing(rackTemplateWorkflow);


/**
 * Fuzzing `K=V` rack parameters (SPEC section 2) through applyAssignments and `racknet rack
 * template`: every invalid assignment is a problem that names the parameter, every valid list
 * normalises to canonical values that normalise to themselves.
 */

/** A generated piece of input and what SPEC section 2 says of it: valid, invalid, or not stated. */
interface Labelled {
  text: string;
  valid: boolean | undefined;
}

const good = (text: string): Labelled => ({ text, valid: true });
const bad = (text: string): Labelled => ({ text, valid: false });

const randomCase = (text: string) => fc.array(fc.boolean(), { minLength: text.length, maxLength: text.length }).map((upper) => [...text].map((char, index) => (upper[index] ? char.toUpperCase() : char.toLowerCase())).join(""));
const spaced = (text: fc.Arbitrary<string>) => fc.tuple(fc.constantFrom("", " ", "  "), text, fc.constantFrom("", " ")).map(([before, middle, after]) => `${before}${middle}${after}`);

const octet = fc.integer({ min: 0, max: 255 });
const ip = fc.tuple(octet, octet, octet, octet).map((parts) => parts.join("."));

/**
 * The oracle's own table of ranges a VPC may not use: the four the VPC User Guide ("VPC CIDR
 * blocks") says AWS refuses, and RFC 6890's special-purpose ranges that are not unicast.
 */
const RESERVED: readonly [string, number][] = [["0.0.0.0", 8], ["127.0.0.0", 8], ["169.254.0.0", 16], ["224.0.0.0", 4], ["240.0.0.0", 4], ["192.0.0.0", 24], ["192.0.2.0", 24], ["198.51.100.0", 24], ["203.0.113.0", 24], ["198.18.0.0", 15]];
const toNumber = (address: string) => address.split(".").reduce((acc, part) => acc * 256 + Number(part), 0);
const span = (address: string, prefix: number): [number, number] => {
  const size = 2 ** (32 - prefix);
  const start = Math.floor(toNumber(address) / size) * size;
  return [start, start + size - 1];
};
const reservedSpans = RESERVED.map(([address, prefix]) => span(address, prefix));
const overlapsReserved = (address: string, prefix: number) => {
  const [start, end] = span(address, prefix);
  return reservedSpans.some(([from, to]) => start <= to && from <= end);
};
const insideReserved = (address: string, prefix: number) => {
  const [start, end] = span(address, prefix);
  return reservedSpans.some(([from, to]) => from <= start && end <= to);
};

/** Well-formed CIDRs with a prefix in [min, max], judged by `refused` (a VPC must avoid reserved ranges; a peer must not lie inside one). */
const cidr = (min: number, max: number, refused: (address: string, prefix: number) => boolean): fc.Arbitrary<Labelled> =>
  fc.oneof(
    { weight: 4, arbitrary: fc.tuple(ip, fc.integer({ min, max })).map(([address, prefix]) => ({ text: `${address}/${prefix}`, valid: !refused(address, prefix) })) },
    { weight: 1, arbitrary: fc.tuple(ip, fc.integer({ min: 0, max: 99 }).filter((prefix) => prefix < min || prefix > max)).map(([address, prefix]) => bad(`${address}/${prefix}`)) },
    { weight: 1, arbitrary: fc.constantFrom("10.0.0.0", "10.0.0/16", "256.0.0.0/16", "10.0.0.0/", "10.0.0.0/1a", "a.b.c.d/16", "10.0.0.0/16/1", "::/0", "１０.0.0.0/16").map(bad) },
  );

const hex = (length: number) => fc.string({ unit: fc.constantFrom(..."0123456789abcdef"), minLength: length, maxLength: length });
const vpcId = fc.oneof(
  { weight: 4, arbitrary: fc.oneof(hex(8), hex(17)).chain((hex) => randomCase(`vpc-${hex}`)).map(good) },
  { weight: 1, arbitrary: fc.constantFrom("vpc-123", "vpc-0123456789abcdefg", "subnet-01234567", "vpc_01234567", "", "vpc-012345678").filter((text) => text !== "").map(bad) },
);

const unstated = (text: string): Labelled => ({ text, valid: undefined });
const onValue = (text: string) => ["yes", "true", "y", "on", "1"].includes(text.toLowerCase());

/** Subnet lists: empty is valid alone; a list of ids is valid only with ExistingVpc (not stated); more than three, a twice-named or a malformed id is refused. */
const subnetId = fc.oneof(hex(8), hex(17)).map((digits) => `subnet-${digits}`);
const subnetList: fc.Arbitrary<Labelled> = fc.oneof(
  { weight: 2, arbitrary: fc.constant(good("")) },
  { weight: 3, arbitrary: fc.uniqueArray(subnetId, { minLength: 1, maxLength: 3 }).map((ids) => unstated(ids.join(","))) },
  { weight: 1, arbitrary: fc.uniqueArray(subnetId, { minLength: 4, maxLength: 5 }).map((ids) => bad(ids.join(","))) },
  { weight: 1, arbitrary: fc.constantFrom("subnet-123", "vpc-01234567", "subnet-0123456789abcdefg", "subnet-01234567,subnet-01234567", "subnet_01234567").map(bad) },
);

/** A list of entries; two entries that `sameAs` maps to one key name one thing twice, which is refused. */
const list = (item: fc.Arbitrary<Labelled>, sameAs: (text: string) => string): fc.Arbitrary<Labelled> =>
  fc.array(fc.tuple(item, fc.constantFrom(",", ", ", " ,")), { maxLength: 7 }).map((items) => {
    const keys = items.map(([entry]) => sameAs(entry.text));
    const twice = keys.some((key, index) => keys.indexOf(key) !== index);
    return {
      text: items.map(([entry, comma], index) => (index === 0 ? entry.text : `${comma}${entry.text}`)).join(""),
      valid: items.length <= 5 && !twice && items.every(([entry]) => entry.valid === true) ? true : items.length > 5 || twice || items.some(([entry]) => entry.valid === false) ? false : undefined,
    };
  });
/** The network a CIDR names: `10.1.3.0/16` and `10.1.0.0/16` are one. */
const network = (text: string) => {
  const [address = "", prefix = ""] = text.split("/");
  return /^\d+$/.test(prefix) && /^\d+(\.\d+){3}$/.test(address) ? `${span(address, Number(prefix))[0]}/${prefix}` : text;
};
const vpcOf = (text: string) => text.toLowerCase().split(":").at(-1) ?? text;

const label = fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,8}[a-z0-9])?$/);
const hostname = fc.oneof(
  // No top-level label is all digits (RFC 3696), so an IP address is no Domain either (issue 21, item 11).
  { weight: 4, arbitrary: fc.array(label, { minLength: 2, maxLength: 4 }).chain((labels) => fc.tuple(randomCase(labels.join(".")), fc.constantFrom("", "."), fc.constant(/^\d+$/.test(labels.at(-1) ?? "")))).map(([host, dot, numericTop]) => (numericTop ? bad : good)(`${host}${dot}`)) },
  { weight: 1, arbitrary: fc.constantFrom("-a.com", "a..com", "localhost", "a_b.com", "bücher.de", `${"a".repeat(64)}.com`, "a.com/x", "http://a.com", "a.com:443", "*.a.com", ".", "..", "10.0.0.1", "192.168.1.1.", "apps.example.123").map(bad) },
);

const zoneId = fc.oneof(
  { weight: 4, arbitrary: fc.tuple(fc.stringMatching(/^[A-Z0-9]{1,32}$/), fc.constantFrom("", "/hostedzone/", "hostedzone/")).chain(([id, prefix]) => randomCase(`${prefix}${id}`)).map(good) },
  { weight: 1, arbitrary: fc.constantFrom("zone-1", `Z${"A".repeat(32)}`, "Z0123 456", "/hostedzone/", "arn:aws:route53:::hostedzone/Z0123", "Z0123_456").map(bad) },
);

const YES_NO = ["yes", "no", "true", "false", "y", "n", "on", "off", "1", "0"];
const flagValue = fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...YES_NO).chain(randomCase).map(good) }, { weight: 1, arbitrary: fc.constantFrom("maybe", "", "yess", "2", "ja", "Yes!", "Ｙｅｓ", "nope", "-1").map(bad) });

const VALUES: Record<ParamName, fc.Arbitrary<Labelled>> = {
  LoadBalancerIdleTimeout: fc.oneof(
    { weight: 4, arbitrary: fc.integer({ min: 1, max: 4000 }).map((seconds) => good(String(seconds))) },
    { weight: 1, arbitrary: fc.constantFrom("0", "4001", "-5", "60s", "1.5", "", "sixty", "١٢").map(bad) },
  ),
  Private: flagValue,
  Internal: flagValue,
  InternalOnly: flagValue,
  internal_router: flagValue,
  internal_router_cidrs: list(cidr(0, 32, insideReserved), network),
  internal_router_vpcs: list(vpcId, vpcOf),
  Domain: fc.oneof({ weight: 5, arbitrary: hostname }, { weight: 1, arbitrary: fc.constant(good("")) }),
  HostedZoneId: fc.oneof({ weight: 5, arbitrary: zoneId }, { weight: 1, arbitrary: fc.constant(good("")) }),
  VPCCIDR: cidr(16, 24, overlapsReserved),
  BuildInstance: fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom("small", "medium", "large", "BUILD_GENERAL1_SMALL", "build_general1_medium", "Build_General1_Large").chain(randomCase).map(good) },
    { weight: 1, arbitrary: fc.constantFrom("", "xlarge", "BUILD_GENERAL1_XLARGE", "BUILD_GENERAL2_SMALL", "huge", "smal", "BUILD_GENERAL1_").map(bad) },
  ),
  // One and None, VpcEndpoints=Yes and an existing VPC are valid only with other parameters (Private, VpcEndpoints, the subnets): not stated alone.
  NatGateways: fc.oneof(
    { weight: 2, arbitrary: fc.constantFrom("PerZone", "perzone", "per-zone", "Per_Zone").chain(randomCase).map(good) },
    { weight: 2, arbitrary: fc.constantFrom("One", "None").chain(randomCase).map(unstated) },
    { weight: 1, arbitrary: fc.constantFrom("", "Two", "0", "1", "PerAz", "Ones", "no").map(bad) },
  ),
  VpcEndpoints: flagValue.map((value) => (value.valid === true && onValue(value.text) ? unstated(value.text) : value)),
  ExistingVpc: fc.oneof({ weight: 2, arbitrary: fc.constant(good("")) }, { weight: 2, arbitrary: vpcId.map((value) => (value.valid === true ? unstated(value.text) : value)) }),
  ExistingPublicSubnets: subnetList,
  ExistingPrivateSubnets: subnetList,
  // Valid only together (and with Private=Yes): a well-formed value alone is not stated.
  TransitGatewayId: fc.oneof(
    { weight: 2, arbitrary: fc.constant(good("")) },
    { weight: 2, arbitrary: fc.oneof(hex(8), hex(17)).chain((hex) => randomCase(`tgw-${hex}`)).map(unstated) },
    { weight: 1, arbitrary: fc.constantFrom("tgw-123", "vpc-01234567", "tgw-0123456789abcdefg", "tgw_01234567", "tgw-attach-01234567").map(bad) },
  ),
  TransitGatewayCidrs: fc.oneof({ weight: 2, arbitrary: fc.constant(good("")) }, { weight: 2, arbitrary: list(cidr(0, 32, insideReserved), network).map((value) => (value.valid === true && value.text !== "" ? unstated(value.text) : value)) }),
};

interface Name {
  text: string;
  /** The parameter it means, or undefined for a name no parameter has. */
  param: ParamName | undefined;
}

const knownName: fc.Arbitrary<Name> = fc.constantFrom(...PARAMS).chain((spec) =>
  fc.oneof(randomCase(spec.name), randomCase(spec.cfnName), fc.constant(spec.name.replace("_", "-"))).map((text) => ({ text, param: spec.name })),
);
const unknownName: fc.Arbitrary<Name> = fc.oneof(fc.constantFrom("Privat", "Internl", "InternalOnlyy", "Prіvate", "internal_routers", "Domian", "VPC", "Region", "ÉTÉ", "🚀", "Private Internal"), fc.stringMatching(/^[A-Za-z][A-Za-z_]{0,10}$/).filter((text) => !PARAMS.some((spec) => [spec.name, spec.cfnName].some((known) => known.toLowerCase().replace(/[_-]/g, "") === text.toLowerCase().replace(/[_-]/g, ""))))).map((text) => ({ text, param: undefined }));

interface Assignment {
  text: string;
  param: ParamName | undefined;
  value: Labelled;
}

const assignment: fc.Arbitrary<Assignment> = fc.oneof(
  { weight: 8, arbitrary: knownName.chain((name) => (name.param ? VALUES[name.param] : fc.constant(bad(""))).chain((value) => spaced(fc.constant(name.text)).map((text) => ({ text: `${text}=${value.text}`, param: name.param, value })))) },
  { weight: 1, arbitrary: unknownName.map((name) => ({ text: `${name.text}=Yes`, param: undefined, value: bad("Yes") })) },
  { weight: 1, arbitrary: fc.constantFrom("", "=", "=Yes", "Private", " =Yes", "Private=Yes=No", "Domain=a=b").map((text) => ({ text, param: undefined, value: bad(text) })) },
);

/** Every parameter as `K=V`: what normalised values look like as input (in an existing VPC, without the network team's, which are refused there). */
function asAssignments(params: RackParams): string[] {
  const networkTeams = params.ExistingVpc === "" ? [] : ["Private", "NatGateways", "VPCCIDR"];
  return PARAMS.filter((spec) => !networkTeams.includes(spec.name)).map((spec) => `${spec.name}=${params[spec.name]}`);
}

describe("fuzzing rack parameters", () => {
  it("never throws; every invalid assignment gives a problem naming the parameter, with a message", () => {
    fc.assert(
      fc.property(fc.array(assignment, { maxLength: 5 }), fc.constantFrom("install" as const, "update" as const), (assignments, mode) => {
        const { params, problems } = applyAssignments(defaultParams(), assignments.map((one) => one.text), mode);
        for (const problem of problems) {
          expect(problem.message.trim()).not.toBe("");
          // Only an empty argument has an empty name; the message then quotes it ("").
          if (!problem.message.endsWith("is not a parameter assignment")) expect(problem.param.trim(), problem.message).not.toBe("");
          expect(problem.message).toContain(problem.param);
        }
        const named = new Set(problems.map((problem) => problem.param.toLowerCase().replace(/[_-]/g, "")));
        for (const one of assignments) {
          const refused = one.param === undefined || one.value.valid === false || (one.param === "VPCCIDR" && mode === "update");
          if (one.param && refused) expect(named, `${one.text} (${mode})`).toContain(one.param.toLowerCase().replace(/[_-]/g, ""));
          if (refused) expect(problems.length, `${one.text} (${mode})`).toBeGreaterThan(0);
        }
        if (problems.length === 0) expect(Object.keys(params).sort()).toEqual(PARAMS.map((spec) => spec.name).sort());
      }),
      fuzzOptions(750),
    );
  });

  it("accepts every list of valid assignments that agree and keep InternalOnly's and HostedZoneId's rules", () => {
    fc.assert(
      fc.property(fc.array(assignment.filter((one) => one.param !== undefined && one.value.valid === true && one.param !== "InternalOnly"), { maxLength: 5 }), (assignments) => {
        const distinct = new Map(assignments.map((one) => [one.param, one]));
        // HostedZoneId is the Domain's zone: with a zone and no Domain, the rule refuses it (tested below).
        if (distinct.has("HostedZoneId") && !distinct.get("Domain")?.value.text) distinct.delete("HostedZoneId");
        const { problems } = applyAssignments(defaultParams(), [...distinct.values()].map((one) => one.text), "install");
        expect(problems, [...distinct.values()].map((one) => one.text).join(" ")).toEqual([]);
      }),
      fuzzOptions(500),
    );
  });

  it("normalises idempotently: the canonical values, given again, change nothing", () => {
    fc.assert(
      fc.property(fc.array(assignment, { maxLength: 5 }), (assignments) => {
        const first = applyAssignments(defaultParams(), assignments.map((one) => one.text), "install");
        fc.pre(first.problems.length === 0);
        const again = applyAssignments(first.params, asAssignments(first.params), "install");
        expect(again.problems).toEqual([]);
        expect(again.params).toEqual(first.params);
        expect(again.changes).toEqual([]);
        const update = applyAssignments(first.params, asAssignments(first.params).filter((text) => !text.startsWith("VPCCIDR=")), "update");
        expect(update.changes).toEqual([]);
      }),
      fuzzOptions(500),
    );
  });
});


const noAws = offlineAws("rack template");

describe("fuzzing racknet rack template K=V...", () => {
  it("prints a template whose defaults are the normalised values, or refuses naming each parameter; nothing else", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(assignment, { maxLength: 4 }), async (assignments) => {
        const args = assignments.map((one) => one.text);
        const stdout = new Capture();
        const stderr = new Capture();
        const printer = new Printer({ json: false, color: false, debug: false, stdout, stderr });
        const options = { json: false, color: false, debug: false, yes: false, dryRun: false };
        const context: CommandContext = { options, printer, aws: noAws, ...testPorts(options), awsCalls: () => 0 };
        const expected = applyAssignments(defaultParams(), args, "install");
        const error = await rackTemplate(context, { params: args }).then(
          () => undefined,
          (caught: unknown) => caught,
        );
        if (error === undefined) {
          const template = JSON.parse(stdout.text) as { Parameters: Record<string, { Default?: string }> };
          for (const spec of PARAMS) {
            if (expected.params[spec.name] !== "") expect(template.Parameters[spec.cfnName]?.Default, spec.name).toBe(expected.params[spec.name]);
          }
          return;
        }
        expect(error, String((error as Error).stack)).toBeInstanceOf(ValidationErrors);
        expect(stdout.text).toBe("");
        expect((error as ValidationErrors).problems.map((problem) => problem.where)).toEqual(expected.problems.map((problem) => problem.param));
      }),
      fuzzOptions(75),
    );
  });
});

describe("found by fuzzing rack parameters", () => {
  const install = (...args: string[]) => applyAssignments(defaultParams(), args, "install");

  it("a blank name is not an assignment, and no name is suggested for it", () => {
    expect(install(" =Yes").problems).toEqual([{ param: " =Yes", message: '" =Yes" is not a parameter assignment', fix: "write NAME=VALUE, for example Private=Yes" }]);
  });

  it("a letter or two is not enough to suggest a name", () => {
    expect(install("i=1").problems[0]?.message).toBe('unknown parameter "i"');
    expect(install("Privat=Yes").problems[0]?.message).toContain("did you mean Private?");
  });

  it('Domain="." is not a host name (only an empty value unsets the Domain)', () => {
    expect(install("Domain=.").problems[0]?.message).toBe('Domain: "." is not a host name');
    expect(install("Domain=").problems).toEqual([]);
  });
});
