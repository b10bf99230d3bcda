/**
 * The rack's certificate authority: a self-signed ECDSA P-256 CA and the server
 * certificates it signs for the load balancers. Pure: no AWS.
 */
import { x509 } from "./x509.js";
import { CLOCK_SKEW_MS, DAY_MS, SERVER_VALIDITY_DAYS } from "./rules.js";

export { SERVER_VALIDITY_DAYS };
import { SIGNING_ALGORITHM, generateKeyPair, privateKeyToPem, randomSerialNumber, signingKeyFromPem, toSec1Pem } from "./keys.js";
import { caConstraints, nameConstraintsExtension, permitsName, rackCaConstraints } from "./constraints.js";

export interface CertificateAuthority {
  keyPem: string;
  certPem: string;
}

export interface ServerCertificate {
  /** SEC1 PEM of the certificate's private key. */
  keyPem: string;
  certPem: string;
  /** The CA certificate that signed it: what ACM's CertificateChain wants. */
  chainPem: string;
}

export interface ServerCertificateRequest {
  commonName: string;
  dnsNames: string[];
  /** Validity in days, from now; default 397 (the longest browsers accept). */
  days?: number;
}

export const CA_VALIDITY_DAYS = 3652;

export function caCommonName(rack: string): string {
  return `racknet ${rack} CA`;
}

/**
 * A new CA for the rack: CN "racknet <rack> CA", valid 10 years, may sign certificates only,
 * and only for the rack's own names (critical name constraints, constraints.ts).
 */
export async function createCa(rack: string, now = new Date()): Promise<CertificateAuthority> {
  const keys = await generateKeyPair();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerialNumber(),
    name: [{ CN: [caCommonName(rack)] }, { O: ["racknet"] }],
    notBefore: new Date(now.getTime() - CLOCK_SKEW_MS),
    notAfter: new Date(now.getTime() + CA_VALIDITY_DAYS * DAY_MS),
    signingAlgorithm: SIGNING_ALGORITHM,
    keys,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      nameConstraintsExtension(rackCaConstraints(rack)),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { keyPem: await privateKeyToPem(keys.privateKey), certPem: cert.toString("pem") };
}

/** A TLS server certificate for `dnsNames`, signed by the CA. */
export async function issueServerCertificate(
  ca: CertificateAuthority,
  request: ServerCertificateRequest,
  now = new Date(),
): Promise<ServerCertificate> {
  const caCert = new x509.X509Certificate(ca.certPem);
  // The CA's key is used for the rack's own names only; asking for another is a bug.
  const constraints = caConstraints(ca.certPem);
  const outside = constraints ? request.dnsNames.filter((name) => !permitsName(constraints, name)) : [];
  if (outside.length > 0) throw new Error(`the rack CA may not sign ${outside.join(", ")}: outside its names ${constraints?.permittedDns.join(", ")}`);
  const keys = await generateKeyPair();
  const days = request.days ?? SERVER_VALIDITY_DAYS;
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerialNumber(),
    subject: [{ CN: [request.commonName] }],
    issuer: caCert.subjectName,
    notBefore: new Date(now.getTime() - CLOCK_SKEW_MS),
    notAfter: new Date(now.getTime() + days * DAY_MS),
    signingAlgorithm: SIGNING_ALGORITHM,
    publicKey: keys.publicKey,
    signingKey: await signingKeyFromPem(ca.keyPem),
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension(request.dnsNames.map((value) => ({ type: "dns" as const, value }))),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(caCert),
    ],
  });
  return {
    keyPem: toSec1Pem(await privateKeyToPem(keys.privateKey)),
    certPem: cert.toString("pem"),
    chainPem: caCert.toString("pem"),
  };
}
