import fc from "fast-check";
import { stringify } from "yaml";

/**
 * Generators of convox.yml for the fuzz tests: structured manifests with valid and invalid
 * values for every key, and byte- and line-level mutations of good manifests.
 */

/** Environment values carry this marker: no problem, warning or output may ever show it. */
export const SECRET = "s3cr3t-7f1d";

/** Mostly a documented form, now and then something else: most manifests are one mistake away from valid. */
function mostly<T>(valid: fc.Arbitrary<T>, invalid: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  return fc.oneof({ weight: 20, arbitrary: valid }, { weight: 1, arbitrary: invalid });
}

const VALID_NAMES = ["web", "api", "worker", "admin", "peer", "a", "billing-v2", "x1"];
const BAD_NAMES = ["Web", "my_worker", "1web", "-web", "web-", "we--b", "", "web.api", "wéb", "🚀", "a".repeat(64), "__proto__", "constructor", "toString", "hasOwnProperty", " web", "a[b", "web[0]", "web.", "[a]"];

export const serviceName = fc.oneof({ weight: 20, arbitrary: fc.constantFrom(...VALID_NAMES) }, { weight: 2, arbitrary: fc.constantFrom(...BAD_NAMES) }, { weight: 1, arbitrary: fc.string({ maxLength: 12 }) });

/** A scalar or a small structure of any type: what a user writes where a key wanted something else. */
const anyValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(null, true, false, 0, -1, 1.5, "", "yes", "no", "~", "null", "3000", Number.MAX_SAFE_INTEGER),
  fc.string({ maxLength: 8 }),
  fc.integer(),
  fc.array(fc.constantFrom("a", 1, null), { maxLength: 2 }),
  fc.dictionary(fc.constantFrom("a", "port", "path"), fc.constantFrom(1, "x", null), { maxKeys: 2 }),
);

const goodPort = fc.oneof(fc.constantFrom(1, 80, 3000, 65535), fc.integer({ min: 1, max: 65535 }));
const badPort = fc.oneof(fc.constantFrom(0, -1, 65536, 3000.5, 1e20), fc.integer({ min: -10, max: 70000 }));
const portText = (number: fc.Arbitrary<string>, schemes: readonly string[]) => fc.tuple(fc.constantFrom(...schemes), number).map(([scheme, value]) => `${scheme}${value}`);

const port = mostly(
  fc.oneof(goodPort, portText(goodPort.map(String), ["", "http:", "https:"]), fc.record({ port: goodPort, scheme: fc.constantFrom("http", "https") }, { requiredKeys: ["port"] })),
  fc.oneof(
    badPort,
    portText(fc.oneof(badPort.map(String), fc.constantFrom("00080", "3e3", "0x50", "", "65536")), ["", "http:", "https:", "tcp:", "HTTPS:", "https://", " "]),
    fc.record({ port: fc.oneof(badPort, fc.constantFrom("3000", null)), scheme: fc.constantFrom("http", "https", "tcp", 1, null) }, { requiredKeys: [] }),
    anyValue,
  ),
);

const goodEnvName = fc.constantFrom("PORT", "LOG_LEVEL", "_X", "a1", "SECRET_TOKEN");
// RACKNET_* and a link's <NAME>_URL are racknet's own (issue 21, item 11).
const envName = mostly(goodEnvName, fc.oneof(fc.constantFrom("9BAD", "", "BAD-NAME", "BAD NAME", "ÉTÉ", "__proto__", "RACKNET_APP", "RACKNET_CA_CERT", "API_URL", "WEB_URL"), fc.string({ maxLength: 6 })));
const envValue = fc.oneof(fc.constantFrom("3000", "", "a=b", "s3cr3t", "multi\nline", "#hash", "'quote", "- dash", "yes", "1.50", SECRET, `multi\n${SECRET}`, `${SECRET}=x`), fc.string({ maxLength: 10 }));

const environment = mostly(
  fc.oneof(
    fc.array(fc.tuple(envName, fc.option(envValue)).map(([key, value]) => (value === null ? String(key) : `${String(key)}=${value}`)), { maxLength: 4 }),
    fc.dictionary(envName.map(String), mostly(fc.oneof(envValue, fc.constantFrom(null, 3000, 1.5, false)), anyValue), { maxKeys: 4 }),
  ),
  anyValue,
);

const flag = mostly(fc.boolean(), fc.constantFrom("yes", "true", 1, null, "on"));

const goodCpu = fc.constantFrom(256, 512, 1024, 2048, 4096, 8192, 16384);
const scale = mostly(
  fc.oneof(
    fc.integer({ min: 0, max: 1000 }),
    fc.record({ count: fc.oneof(fc.integer({ min: 0, max: 1000 }), fc.constantFrom("1-3", "0-0", "2-10")), cpu: goodCpu, memory: fc.constantFrom(512, 1024, 2048, 4096, 8192), targets: fc.constant({ cpu: 70 }), limit: fc.constant({ memory: 1024 }) }, { requiredKeys: [] }),
  ),
  fc.oneof(
    fc.integer({ min: -2, max: 1002 }),
    fc.record(
      {
        count: fc.oneof(fc.integer({ min: -1, max: 1001 }), fc.constantFrom("1-3", "3-1", "999-1001", "99999999999999999999-1", "x", 2.5)),
        cpu: fc.oneof(goodCpu, fc.constantFrom(0, 100, -256, 1e9, "256")),
        memory: fc.oneof(fc.constantFrom(512, 1024, 2048, 3072, 8192, 30720, 122880), fc.integer({ min: -1, max: 200000 }), fc.constantFrom("512")),
        other: fc.constant(1),
      },
      { requiredKeys: [] },
    ),
    anyValue,
  ),
);

const health = mostly(
  fc.oneof(
    fc.constantFrom("/", "/health", "/ok?x=1"),
    fc.record({ path: fc.constantFrom("/", "/h"), grace: fc.integer({ min: 0, max: 7200 }), interval: fc.integer({ min: 5, max: 300 }), timeout: fc.integer({ min: 2, max: 4 }) }, { requiredKeys: [] }),
  ),
  fc.oneof(
    fc.constantFrom("health", ""),
    fc.record(
      {
        path: fc.constantFrom("/", "/h", "h", 5),
        grace: fc.oneof(fc.integer({ min: -1, max: 7201 }), fc.constant("5")),
        interval: fc.oneof(fc.integer({ min: 0, max: 301 }), fc.constant(5.5)),
        timeout: fc.oneof(fc.integer({ min: 0, max: 121 }), fc.constant(null)),
      },
      { requiredKeys: [] },
    ),
    anyValue,
  ),
);

const image = mostly(
  fc.constantFrom("nginx:1.27", "example/api:1.4", "123456789012.dkr.ecr.us-east-1.amazonaws.com/api:1.4", "localhost:5000/app", `nginx@sha256:${"a".repeat(64)}`),
  // Issue 21, item 3: a credential in the reference is no reference, and must never be quoted back.
  fc.constantFrom("", 5, null, ["nginx"], `user:${SECRET}@registry.example.com/app:1`, "Example/API:1", "https://registry.example.com/app:1", "nginx:", "nginx@sha256:abc"),
);
/** Issue 21, item 1: an empty whitelist is refused, never read as "everybody". */
const whitelist = mostly(
  fc.constantFrom("10.0.0.0/8, 192.0.2.0/24", "203.0.113.7", ["198.51.100.0/24", "2001:db8::/32"], "2001:db8::1"),
  fc.constantFrom("", [], " , ", [""], null, "example.com", "10.0.0.0/33", ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "198.51.100.0/24"]),
);
const build = mostly(fc.constantFrom(".", { path: "." }, { path: ".", manifest: "Dockerfile", args: { a: "b" } }), fc.constantFrom({ path: 1 }, 3, { other: 1 }));
const command = mostly(fc.constantFrom("bin/web", ["bin/web", "--port", "3000"], ""), fc.constantFrom([1, 2], 3, { a: 1 }));

const ignoredKeys = fc.dictionary(fc.constantFrom("domain", "volumes", "resources", "agent"), anyValue, { maxKeys: 2 });
const unknownKeys = fc.dictionary(fc.constantFrom("prot", "imagee", "Port", "links ", "servics"), anyValue, { minKeys: 1, maxKeys: 2 });

/** A service whose links point at names drawn from `names` (so most links resolve). */
function service(names: readonly string[], self: string): fc.Arbitrary<unknown> {
  const others = names.filter((name) => name !== self);
  const link = mostly(others.length > 0 ? fc.constantFrom(...others) : serviceName, fc.oneof(fc.constant(self), serviceName, anyValue));
  const fields = fc.record(
    {
      image,
      build,
      command,
      links: mostly(fc.array(link, { maxLength: 2 }), anyValue),
      environment,
      scale,
      health,
      whitelist,
    },
    { requiredKeys: ["image"] },
  );
  const exposure = mostly(
    fc.constantFrom({}, { internal: true }, { internalAndExternal: true }, { internalRouter: true }, { internal: false, internalRouter: false }),
    fc.record({ internal: flag, internalAndExternal: flag, internalRouter: flag }, { requiredKeys: [] }),
  ).map((value) => value as Record<string, unknown>);
  const extra = fc.oneof({ weight: 6, arbitrary: fc.constant({}) }, { weight: 3, arbitrary: ignoredKeys }, { weight: 1, arbitrary: unknownKeys });
  const withPort = fc.oneof({ weight: 6, arbitrary: port.map((value) => ({ port: value })) }, { weight: 1, arbitrary: fc.constant({}) });
  return mostly(fc.tuple(fields, withPort, exposure, extra).map(([known, portField, flags, other]) => ({ ...other, ...known, ...portField, ...flags })), anyValue);
}

/** A whole manifest as a value (before YAML): mostly a map of services, sometimes not. */
export const manifestValue: fc.Arbitrary<unknown> = fc.uniqueArray(serviceName, { minLength: 0, maxLength: 4 }).chain((names) => {
  const services = fc.tuple(...names.map((name) => service(names, name))).map((bodies) => Object.fromEntries(names.map((name, index) => [name, bodies[index]])));
  const topExtra = fc.oneof(
    { weight: 8, arbitrary: fc.constant({}) },
    { weight: 3, arbitrary: fc.record({ environment: fc.constant(["GLOBAL=1"]), resources: fc.constant({ db: { type: "postgres" } }) }, { requiredKeys: [] }) },
    { weight: 1, arbitrary: fc.constant({ servics: {} }) },
  );
  return mostly(fc.tuple(mostly(services, anyValue), topExtra).map(([body, other]) => ({ ...other, services: body })), anyValue);
});

/** YAML text of a manifest value, in block or flow style. */
export function toYaml(value: unknown, flow: boolean): string {
  return stringify(value, { flowCollectionPadding: false, ...(flow ? { collectionStyle: "flow" } : {}) });
}

type Mutation = (lines: string[], random: (bound: number) => number) => string[];

const STRAY = ["\t", ":", "-", "[", "]", "{", "}", "#", "'", '"', "&a", "*a", "!!str ", "---", "\u0000", "\uFEFF", "é", "🚀", "\r", "%", "@", "`", "|", ">", "? ", ",", "\\"];

const MUTATIONS: Mutation[] = [
  (lines, random) => lines.filter((_, index) => index !== random(lines.length)),
  (lines, random) => {
    const at = random(lines.length);
    return [...lines.slice(0, at + 1), lines[at] ?? "", ...lines.slice(at + 1)];
  },
  (lines, random) => {
    const [a, b] = [random(lines.length), random(lines.length)];
    const copy = [...lines];
    [copy[a], copy[b]] = [copy[b] ?? "", copy[a] ?? ""];
    return copy;
  },
  (lines, random) => lines.map((line, index) => (index === random(lines.length) ? " ".repeat(random(5)) + line.trimStart() : line)),
  (lines, random) => lines.map((line, index) => (index === random(lines.length) ? `\t${line}` : line)),
  (lines, random) => {
    const at = random(lines.length);
    const line = lines[at] ?? "";
    const column = random(line.length + 1);
    const copy = [...lines];
    copy[at] = line.slice(0, column) + (STRAY[random(STRAY.length)] ?? "") + line.slice(column);
    return copy;
  },
  (lines, random) => {
    const text = lines.join("\n");
    return text.slice(0, random(text.length + 1)).split("\n");
  },
  (lines, random) => {
    const at = random(lines.length);
    const copy = [...lines];
    copy[at] = (copy[at] ?? "").replace(/:\s/, random(2) === 0 ? ":" : " ");
    return copy;
  },
  (lines, random) => [...lines.slice(0, random(lines.length + 1)), "---", ...lines.slice(random(lines.length))],
];

/** A good manifest with 1–4 random mutations, driven by fast-check's integers so failures shrink. */
export function mutated(corpus: readonly string[]): fc.Arbitrary<string> {
  return fc.tuple(fc.nat({ max: corpus.length - 1 }), fc.array(fc.tuple(fc.nat({ max: MUTATIONS.length - 1 }), fc.array(fc.nat({ max: 10_000 }), { minLength: 4, maxLength: 4 })), { minLength: 1, maxLength: 4 })).map(([which, steps]) => {
    let lines = (corpus[which] ?? "").split("\n");
    for (const [mutation, numbers] of steps) {
      let next = 0;
      const random = (bound: number) => (bound <= 0 ? 0 : (numbers[next++ % numbers.length] ?? 0) % bound);
      lines = MUTATIONS[mutation]?.(lines, random) ?? lines;
    }
    return lines.join("\n");
  });
}
