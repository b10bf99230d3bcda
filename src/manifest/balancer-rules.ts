/**
 * Convox 3's top-level `balancers:` (convox/convox pkg/manifest/balancer.go): each a Kubernetes
 * Service of type LoadBalancer with the `nlb` annotation (provider/k8s/template/app/balancer.yml.tmpl),
 * internet-facing, its `ports` TCP listeners (listener port → the service's container port), its
 * `whitelist` the load balancer's source ranges. racknet makes the same thing: public TCP listeners
 * on the app's public network load balancer, added to the named service's `nlb` ports.
 *
 * The checks are Convox's (pkg/manifest/validate.go, validateBalancers: ports, service, whitelist),
 * then what a faithful mapping needs: TCP only (Convox passes UDP to Kubernetes; racknet makes TCP
 * and TLS listeners only), IPv4 ranges in canonical form (a security group rule takes no host
 * bits), no `annotations` (they change a Kubernetes object racknet does not create), and a
 * listener port no other listener of the app's network load balancers has. Pure.
 */
import type { Problem } from "../errors/index.js";
import { closestName } from "../rack/closest-name.js";
import type { NlbPort } from "./model.js";
import { canonicalIpv4Cidr } from "./nlb-rules.js";
import { readWhitelist } from "./read-service.js";
import type { PathSegment } from "./source.js";

type Fields = Record<string, unknown>;
type Note = (list: Problem[], segments: readonly PathSegment[], message: string, fix?: string) => void;

const isRecord = (value: unknown): value is Fields => value !== null && typeof value === "object" && !Array.isArray(value);
const portOf = (value: unknown): number | undefined => {
  const number = typeof value === "number" ? value : typeof value === "string" && /^\d+$/.test(value.trim()) ? Number(value.trim()) : undefined;
  return number !== undefined && Number.isInteger(number) && number >= 1 && number <= 65535 ? number : undefined;
};

/** Each balancer's listeners by the service they forward to; problems noted. `owners` holds the nlb ports already taken (port → service). */
export function balancerPorts(balancers: unknown, services: readonly string[], owners: Map<number, string>, note: Note, problems: Problem[]): Map<string, NlbPort[]> {
  const byService = new Map<string, NlbPort[]>();
  if (!isRecord(balancers)) return byService;
  for (const [name, raw] of Object.entries(balancers)) {
    const fields = isRecord(raw) ? raw : {};
    const base = `balancers.${name}`;
    const path = ["balancers", name];
    let sound = true;
    const fail = (segments: PathSegment[], message: string, fix: string) => {
      note(problems, segments, message, fix);
      sound = false;
    };
    const ports = isRecord(fields.ports) ? Object.entries(fields.ports) : [];
    if (ports.length === 0) fail(isRecord(fields.ports) ? [...path, "ports"] : path, `balancer ${name} has no ports`, "add ports: {LISTENER: CONTAINER_PORT}, for example ports: {5432: 5432}");
    const service = typeof fields.service === "string" ? fields.service.trim() : "";
    if (service === "") fail(path, `balancer ${name} has blank service`, "add service: with the service it forwards to");
    else if (!services.includes(service)) {
      const suggestion = closestName(service, services);
      fail([...path, "service"], `balancer ${name} refers to unknown service ${service}${suggestion ? `; did you mean "${suggestion}"?` : ""}`, suggestion ? `write service: ${suggestion}` : `services here: ${services.join(", ")}`);
    }
    const whitelist = readWhitelist(fields.whitelist);
    for (const cidr of whitelist) {
      const canonical = canonicalIpv4Cidr(cidr);
      if (!canonical) fail([...path, "whitelist"], `balancer ${name} whitelist ${cidr} is not a valid IPv4 cidr range (a network load balancer's security group rule here takes IPv4)`, "write ranges such as 203.0.113.0/24");
      else if (canonical !== cidr) fail([...path, "whitelist"], `balancer ${name} whitelist ${cidr} has host bits set`, `write ${canonical}`);
    }
    if (isRecord(fields.annotations) ? Object.keys(fields.annotations).length > 0 : Array.isArray(fields.annotations) && fields.annotations.length > 0) {
      fail([...path, "annotations"], `racknet cannot do ${base}.annotations (Convox: annotations of the balancer's Kubernetes Service): they tune a Kubernetes object racknet does not create, and some (an internal scheme, a certificate) would change who can reach the service`, "remove annotations: (racknet's balancer is a public network load balancer with TCP listeners; for an internal or TLS one use nlb: on the service)");
    }
    const listeners: NlbPort[] = [];
    for (const [key, value] of ports) {
      const target = isRecord(value) ? value : { port: value };
      const at = [...path, "ports", key];
      const listener = portOf(key);
      const container = portOf(target.port);
      const protocol = typeof target.protocol === "string" && target.protocol.trim() !== "" ? target.protocol.trim().toLowerCase() : "tcp";
      if (listener === undefined) fail(at, `${base}.ports: ${key} is not a port from 1 to 65535`, "write the listener port, for example 5432: 5432");
      else if (container === undefined) fail(isRecord(value) ? [...at, "port"] : at, `${base}.ports.${key} must name the container port, 1 to 65535`, `write ${key}: ${key}`);
      else if (protocol !== "tcp") fail(isRecord(value) ? [...at, "protocol"] : at, `${base}.ports.${key}.protocol is ${protocol}; racknet's network load balancers carry TCP (and TLS through nlb:), not UDP`, "write protocol: TCP, or remove the port");
      else {
        const owner = owners.get(listener);
        if (owner !== undefined) fail(at, `${base}.ports: ${listener} is also a listener of ${owner.startsWith("balancers.") ? owner : `services.${owner}`}; the app's network load balancers have one listener per port`, "give each listener its own port");
        else {
          owners.set(listener, base);
          listeners.push({ port: listener, protocol: "tcp", containerPort: container, scheme: "public", allowCidr: whitelist, balancer: name });
        }
      }
    }
    if (sound && service !== "") byService.set(service, [...(byService.get(service) ?? []), ...listeners]);
  }
  return byService;
}
