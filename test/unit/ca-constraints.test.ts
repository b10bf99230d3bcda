import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
import { caConstraintStatus, caConstraints, certificateExpiry, certificateInfo, createCa, issueServerCertificate, rackCaConstraints, type CertificateAuthority } from "../../src/ca/index.js";
import { SIGNING_ALGORITHM, generateKeyPair, randomSerialNumber, signingKeyFromPem } from "../../src/ca/keys.js";
import { x509 } from "../../src/ca/x509.js";

const run = promisify(execFile);
const DAY = 24 * 60 * 60 * 1000;

/** What an attacker holding the CA's key could sign: any name, any SAN type. racknet itself refuses to. */
async function forge(ca: CertificateAuthority, san: { type: "dns" | "ip" | "email" | "url"; value: string }[]): Promise<string> {
  const caCert = new x509.X509Certificate(ca.certPem);
  const keys = await generateKeyPair();
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerialNumber(),
    subject: [{ CN: [san[0]?.value ?? "x"] }],
    issuer: caCert.subjectName,
    notBefore: new Date(Date.now() - DAY),
    notAfter: new Date(Date.now() + 30 * DAY),
    signingAlgorithm: SIGNING_ALGORITHM,
    publicKey: keys.publicKey,
    signingKey: await signingKeyFromPem(ca.keyPem),
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension(san),
    ],
  });
  return cert.toString("pem");
}

/** An old-style rack CA: what racknet made before name constraints. */
async function unconstrainedCa(): Promise<string> {
  const keys = await generateKeyPair();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerialNumber(),
    name: [{ CN: ["racknet prod CA"] }],
    notBefore: new Date(),
    notAfter: new Date(Date.now() + 3650 * DAY),
    signingAlgorithm: SIGNING_ALGORITHM,
    keys,
    extensions: [new x509.BasicConstraintsExtension(true, 0, true), new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign, true)],
  });
  return cert.toString("pem");
}

/** `openssl verify` of a leaf against the CA: its last line. */
async function verify(caPem: string, leafPem: string): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), "racknet-nc-"));
  try {
    writeFileSync(join(dir, "ca.pem"), caPem);
    writeFileSync(join(dir, "leaf.pem"), leafPem);
    const result = await run("openssl", ["verify", "-purpose", "sslserver", "-CAfile", join(dir, "ca.pem"), join(dir, "leaf.pem")]).catch((error: { stdout?: string; stderr?: string }) => ({ stdout: `${error.stdout ?? ""}${error.stderr ?? ""}` }));
    return result.stdout.trim();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe("the rack CA's name constraints", () => {
  let ca: CertificateAuthority;
  beforeAll(async () => {
    ca = await createCa("prod");
  });

  it("are critical and permit only the rack's zone and its router zone; no IP address, email address or URI", async () => {
    expect(caConstraints(ca.certPem)).toEqual({ permittedDns: ["prod.convox", "prod.router.convox"], excludedIps: ["0.0.0.0/0", "::/0"], permittedEmail: [".invalid"], permittedUri: [".invalid"] });
    const dir = mkdtempSync(join(tmpdir(), "racknet-nc-"));
    try {
      writeFileSync(join(dir, "ca.pem"), ca.certPem);
      const text = (await run("openssl", ["x509", "-noout", "-text", "-in", join(dir, "ca.pem")])).stdout;
      expect(text).toMatch(/X509v3 Name Constraints: critical/);
      expect(text).toMatch(/Permitted:\s+DNS:prod\.convox\s+DNS:prod\.router\.convox\s+email:\.invalid\s+URI:\.invalid/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("a certificate for login.bank.example signed with the CA's key does not verify", async () => {
    expect(await verify(ca.certPem, await forge(ca, [{ type: "dns", value: "login.bank.example" }]))).toMatch(/permitted subtree violation/);
  });

  it("nor one for an IP address, nor one that adds a foreign name to a rack name", async () => {
    expect(await verify(ca.certPem, await forge(ca, [{ type: "ip", value: "10.0.0.5" }]))).toMatch(/excluded subtree violation/);
    expect(await verify(ca.certPem, await forge(ca, [{ type: "dns", value: "api.shop.prod.convox" }, { type: "dns", value: "evil.example" }]))).toMatch(/permitted subtree violation/);
    expect(await verify(ca.certPem, await forge(ca, [{ type: "dns", value: "api.shop.staging.convox" }]))).toMatch(/permitted subtree violation/);
  });

  it("nor one for an email address or a URI, nor any rack's private-network name (issue 21, least privilege)", async () => {
    expect(await verify(ca.certPem, await forge(ca, [{ type: "dns", value: "api.shop.prod.convox" }, { type: "email", value: "ceo@bank.example" }]))).toMatch(/permitted subtree violation/);
    expect(await verify(ca.certPem, await forge(ca, [{ type: "dns", value: "api.shop.prod.convox" }, { type: "url", value: "spiffe://bank.example/payments" }]))).toMatch(/permitted subtree violation/);
    expect(await verify(ca.certPem, await forge(ca, [{ type: "dns", value: "1.web.ap-1.pn-2.private-network.internal" }]))).toMatch(/permitted subtree violation/);
  });

  it("certificates for the rack's own names verify: api.shop.prod.convox, the app's and the rack's wildcards", async () => {
    expect(await verify(ca.certPem, await forge(ca, [{ type: "dns", value: "api.shop.prod.convox" }]))).toMatch(/: OK$/);
    const app = await issueServerCertificate(ca, { commonName: "*.shop.prod.convox", dnsNames: ["*.shop.prod.convox", "*.shop.prod.router.convox"] });
    expect(await verify(ca.certPem, app.certPem)).toMatch(/: OK$/);
    const rack = await issueServerCertificate(ca, { commonName: "prod.convox", dnsNames: ["prod.convox", "*.prod.convox", "*.prod.router.convox"] });
    expect(await verify(ca.certPem, rack.certPem)).toMatch(/: OK$/);
  });

  it("racknet refuses to sign a name outside them", async () => {
    await expect(issueServerCertificate(ca, { commonName: "login.bank.example", dnsNames: ["login.bank.example"] })).rejects.toThrow(/may not sign login\.bank\.example/);
  });

  it("tells a constrained CA from an old unconstrained one (rotate it) or another rack's", async () => {
    expect(caConstraintStatus(ca.certPem, "prod")).toEqual({ kind: "constrained", constraints: rackCaConstraints("prod") });
    expect(caConstraintStatus(await unconstrainedCa(), "prod")).toEqual({ kind: "unconstrained" });
    expect(caConstraintStatus(ca.certPem, "staging")).toMatchObject({ kind: "different", expected: rackCaConstraints("staging") });
  });
});

describe("certificateExpiry", () => {
  it("days left, renewal due under 30 days, expired after notAfter", async () => {
    const ca = await createCa("prod");
    const server = await issueServerCertificate(ca, { commonName: "prod.convox", dnsNames: ["prod.convox"], days: 100 });
    const notAfter = certificateExpiry(server.certPem).notAfter.getTime();
    expect(certificateExpiry(server.certPem, new Date(notAfter - 31 * DAY))).toMatchObject({ daysLeft: 31, renewDue: false, expired: false });
    expect(certificateExpiry(server.certPem, new Date(notAfter - 29 * DAY - 1000))).toMatchObject({ daysLeft: 29, renewDue: true, expired: false });
    expect(certificateExpiry(server.certPem, new Date(notAfter + DAY))).toMatchObject({ daysLeft: -1, renewDue: true, expired: true });
    expect(certificateExpiry(ca.certPem).daysLeft).toBeGreaterThan(3600);
  });

  it("reads the same notAfter with Node's X.509 reader as @peculiar/x509 does (renewal checks load no CA library)", async () => {
    const ca = await createCa("prod");
    const server = await issueServerCertificate(ca, { commonName: "prod.convox", dnsNames: ["prod.convox"], days: 100 });
    for (const pem of [server.certPem, ca.certPem]) expect(certificateExpiry(pem).notAfter.getTime()).toBe(certificateInfo(pem).notAfter.getTime());
  });
});
