/**
 * X.509 name constraints (RFC 5280 section 4.2.1.10) that restrict the rack CA to the rack's
 * own names, so that a workload trusting it trusts nothing else: a certificate it signs for
 * any other name (`login.bank.example`) fails verification. Pure: no AWS.
 */
import { AsnConvert } from "@peculiar/asn1-schema";
import { GeneralName, GeneralSubtree, GeneralSubtrees, NameConstraints, id_ce_nameConstraints } from "@peculiar/asn1-x509";
import { rackZoneName, routerZoneName } from "../names/index.js";
import { x509 } from "./x509.js";

export interface CaNameConstraints {
  /** DNS subtrees: a name is permitted when it is one of these or ends with `.` + one. */
  permittedDns: string[];
  /** IP address ranges no certificate may name (all of them: the rack's certificates carry names only). */
  excludedIps: string[];
  /** Email (rfc822Name) and URI subtrees: `.invalid` alone, which no real address is (RFC 6761), so none. */
  permittedEmail: string[];
  permittedUri: string[];
}

/** RFC 6761's reserved `invalid` domain: a permitted subtree no real email address or URI falls in. */
export const NO_NAME = ".invalid";

/**
 * `<rack>.convox` (internal services) and `<rack>.router.convox` (the router): the only names
 * racknet signs. Not the private-network domain: racknet signs none of its names, and a
 * rack's own zone (`pn-<uuid of the rack stack>`) is not known when the CA is made, before
 * the stack, so permitting the domain would let any rack's CA sign every rack's names.
 * No IP address, no email address, no URI: a critical name constraint on a type binds every
 * name of that type (RFC 5280 section 4.2.1.10), and these admit none.
 */
export function rackCaConstraints(rack: string): CaNameConstraints {
  return { permittedDns: [rackZoneName(rack), routerZoneName(rack)], excludedIps: ["0.0.0.0/0", "::/0"], permittedEmail: [NO_NAME], permittedUri: [NO_NAME] };
}

/** The critical extension for a CA certificate. */
export function nameConstraintsExtension(constraints: CaNameConstraints): x509.Extension {
  const subtrees = (names: GeneralName[]) => new GeneralSubtrees(names.map((base) => new GeneralSubtree({ base })));
  const value = new NameConstraints({
    permittedSubtrees: subtrees([
      ...constraints.permittedDns.map((dNSName) => new GeneralName({ dNSName })),
      ...constraints.permittedEmail.map((rfc822Name) => new GeneralName({ rfc822Name })),
      ...constraints.permittedUri.map((uniformResourceIdentifier) => new GeneralName({ uniformResourceIdentifier })),
    ]),
    excludedSubtrees: subtrees(constraints.excludedIps.map((iPAddress) => new GeneralName({ iPAddress }))),
  });
  return new x509.Extension(id_ce_nameConstraints, true, AsnConvert.serialize(value));
}

/** The CA's name constraints, or undefined when it has none (a CA made before racknet set them). */
export function caConstraints(caCertPem: string): CaNameConstraints | undefined {
  const extension = new x509.X509Certificate(caCertPem).getExtension(id_ce_nameConstraints);
  if (!extension) return undefined;
  const parsed = AsnConvert.parse(extension.value, NameConstraints);
  const names = (subtrees: GeneralSubtrees | undefined) => (subtrees ? [...subtrees].map((subtree) => subtree.base) : []);
  return {
    permittedDns: names(parsed.permittedSubtrees).flatMap((name) => (name.dNSName ? [name.dNSName] : [])),
    excludedIps: names(parsed.excludedSubtrees).flatMap((name) => (name.iPAddress ? [name.iPAddress] : [])),
    permittedEmail: names(parsed.permittedSubtrees).flatMap((name) => (name.rfc822Name ? [name.rfc822Name] : [])),
    permittedUri: names(parsed.permittedSubtrees).flatMap((name) => (name.uniformResourceIdentifier ? [name.uniformResourceIdentifier] : [])),
  };
}

/** True when `name` (a wildcard counts as its base) is one of the permitted subtrees or below one. */
export function permitsName(constraints: CaNameConstraints, name: string): boolean {
  const host = name.toLowerCase().replace(/^\*\./, "");
  return constraints.permittedDns.some((base) => host === base || host.endsWith(`.${base}`));
}

export type CaConstraintStatus =
  | { kind: "constrained"; constraints: CaNameConstraints }
  /** No name constraints: the CA can sign any name. Rotate it. */
  | { kind: "unconstrained" }
  /** Constraints that are not the rack's (another rack's names, or wider). Rotate it. */
  | { kind: "different"; constraints: CaNameConstraints; expected: CaNameConstraints };

/** What `rack ca` shows, and whether the CA should be rotated to one restricted to the rack's names. */
export function caConstraintStatus(caCertPem: string, rack: string): CaConstraintStatus {
  const constraints = caConstraints(caCertPem);
  if (!constraints) return { kind: "unconstrained" };
  const expected = rackCaConstraints(rack);
  const same = (a: readonly string[], b: readonly string[]) => [...a].sort().join(",") === [...b].sort().join(",");
  return same(constraints.permittedDns, expected.permittedDns) && same(constraints.excludedIps, expected.excludedIps) && same(constraints.permittedEmail, expected.permittedEmail) && same(constraints.permittedUri, expected.permittedUri)
    ? { kind: "constrained", constraints }
    : { kind: "different", constraints, expected };
}
