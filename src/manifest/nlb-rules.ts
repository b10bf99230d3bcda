/**
 * The checks Convox makes on a service's `nlb:` ports (convox/rack pkg/manifest/manifest.go,
 * Validate), in its order, one problem per port and key: the port and container port in range,
 * protocol tcp or tls, a certificate only with tls and then as a full ACM or IAM ARN, scheme
 * public or internal, allow_cidr canonical IPv4 without repeats, no port twice in a service nor
 * across services (the app's network load balancers have one listener per port). Pure.
 */
import type { Problem } from "../errors/index.js";
import { nlbProtocolText, nlbSchemeText } from "./read-nlb.js";
import type { PathSegment } from "./source.js";

type Fields = Record<string, unknown>;
type Note = (list: Problem[], segments: readonly PathSegment[], message: string, fix?: string) => void;

const isRecord = (value: unknown): value is Fields => value !== null && typeof value === "object" && !Array.isArray(value);
const whole = (value: unknown): number | undefined => (typeof value === "number" && Number.isInteger(value) ? value : undefined);

/** Convox's nlbCertARNPattern: ACM certificates and IAM server certificates, in every partition. */
export const NLB_CERTIFICATE_ARN = /^arn:aws[-a-z]*:acm:[a-z0-9-]+:\d{12}:certificate\/[a-zA-Z0-9-]+$|^arn:aws[-a-z]*:iam::\d{12}:server-certificate\/.+$/;

const inRange = (port: number | undefined): boolean => port !== undefined && port >= 1 && port <= 65535;

/** `a.b.c.d/n` with no host bits set, or the canonical form to write instead; undefined when it is no IPv4 CIDR. */
export function canonicalIpv4Cidr(text: string): string | undefined {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(text);
  if (!match) return undefined;
  const octets = match.slice(1, 5).map(Number);
  const prefix = Number(match[5]);
  if (octets.some((octet) => octet > 255) || prefix > 32) return undefined;
  const address = octets.reduce((total, octet) => total * 256 + octet, 0);
  const size = 2 ** (32 - prefix);
  const network = Math.floor(address / size) * size;
  const parts = [24, 16, 8, 0].map((shift) => Math.floor(network / 2 ** shift) % 256);
  return `${parts.join(".")}/${prefix}`;
}

/** One service's ports; `owners` holds the ports of the services read before it. */
export function nlbRules(name: string, nlb: unknown, owners: Map<number, string>, note: Note, problems: Problem[]): void {
  if (!Array.isArray(nlb)) return;
  const base = `services.${name}.nlb`;
  const path = ["services", name, "nlb"];
  const seenPorts = new Map<number, number>();
  const seenContainerPorts = new Set<number>();
  nlb.forEach((raw, index) => {
    if (!isRecord(raw)) return;
    const at = (key?: string) => (key ? [...path, index, key] : [...path, index]);
    const here = `${base}[${index}]`;
    const port = whole(raw.port);
    const containerPort = whole(raw.containerPort) || port;
    if (!inRange(port)) return note(problems, at("port"), `${here}.port must be a port from 1 to 65535`, "write the port the network load balancer listens on, for example port: 5432");
    if (!inRange(containerPort)) return note(problems, at("containerPort"), `${here}.containerPort must be a port from 1 to 65535`, "write the port the container listens on, or remove containerPort: to use port");
    const protocol = nlbProtocolText(raw.protocol);
    if (protocol !== "tcp" && protocol !== "tls") return note(problems, at("protocol"), `${here}.protocol must be tcp or tls`, "write protocol: tcp, or tls with a certificate ARN (network load balancers on Fargate carry no UDP here, as in Convox)");
    const certificate = typeof raw.certificate === "string" ? raw.certificate.trim() : "";
    if (protocol === "tls" && certificate === "") return note(problems, at(), `${here} is tls and has no certificate`, "add certificate: with an ACM certificate ARN (aws acm list-certificates), or use protocol: tcp");
    if (protocol !== "tls" && certificate !== "") return note(problems, at("certificate"), `${here}.certificate is only used with protocol: tls`, "write protocol: tls, or remove certificate:");
    if (certificate !== "" && !NLB_CERTIFICATE_ARN.test(certificate)) return note(problems, at("certificate"), `${here}.certificate must be a full ACM or IAM server-certificate ARN`, "write the ARN, for example arn:aws:acm:us-east-1:123456789012:certificate/<id> (aws acm list-certificates lists them)");
    const scheme = nlbSchemeText(raw.scheme);
    if (scheme !== "public" && scheme !== "internal") return note(problems, at("scheme"), `${here}.scheme must be public or internal`, "write scheme: public (the internet) or scheme: internal (the VPC and its peers)");
    const cidrs = Array.isArray(raw.allow_cidr) ? raw.allow_cidr : [];
    const seenCidrs = new Set<string>();
    for (const [cidrIndex, cidr] of cidrs.entries()) {
      const text = typeof cidr === "string" ? cidr : String(cidr);
      const canonical = canonicalIpv4Cidr(text);
      const cidrPath = [...at("allow_cidr"), cidrIndex];
      if (!canonical) return note(problems, cidrPath, `${here}.allow_cidr[${cidrIndex}] is not an IPv4 CIDR (IPv6 is not supported, as in Convox)`, "write a range such as 10.0.0.0/16");
      if (canonical !== text) return note(problems, cidrPath, `${here}.allow_cidr[${cidrIndex}] has host bits set`, `write ${canonical}`);
      if (seenCidrs.has(text)) return note(problems, cidrPath, `${here}.allow_cidr lists ${text} twice`, `remove one ${text}`);
      seenCidrs.add(text);
    }
    const earlier = seenPorts.get(port as number);
    if (earlier !== undefined) {
      return earlier === containerPort
        ? note(problems, at("port"), `${here}.port ${port} is listed twice in ${base}`, "remove one of them")
        : note(problems, at("containerPort"), `${here}: port ${port} is listed twice in ${base}, to different container ports`, "give each listener its own port");
    }
    if (seenContainerPorts.has(containerPort as number)) return note(problems, at("containerPort"), `${here}.containerPort ${containerPort} is already the target of another listener of ${base}`, "serve each container port on one listener");
    const owner = owners.get(port as number);
    if (owner !== undefined && owner !== name) return note(problems, at("port"), `${here}.port ${port} is also services.${owner}'s: the app's network load balancers have one listener per port`, "give each service its own ports");
    owners.set(port as number, name);
    seenPorts.set(port as number, containerPort as number);
    seenContainerPorts.add(containerPort as number);
  });
}
