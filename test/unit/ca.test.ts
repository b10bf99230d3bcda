import { execFile } from "node:child_process";
import { X509Certificate } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
import { certificateInfo, createCa, isIssuedBy, issueServerCertificate, needsRenewal, type CertificateAuthority, type ServerCertificate } from "../../src/ca/index.js";

const run = promisify(execFile);
const DAY = 24 * 60 * 60 * 1000;
const names = ["*.shop.prod.convox", "*.shop.prod.router.convox"];

describe("the rack CA", () => {
  let ca: CertificateAuthority;
  let server: ServerCertificate;

  beforeAll(async () => {
    ca = await createCa("prod");
    server = await issueServerCertificate(ca, { commonName: names[0]!, dnsNames: names });
  });

  it("is a P-256 CA named after the rack, valid ten years, that may only sign certificates", () => {
    const cert = new X509Certificate(ca.certPem);
    expect(cert.subject).toContain("CN=racknet prod CA");
    expect(cert.ca).toBe(true);
    expect(cert.publicKey.asymmetricKeyDetails?.namedCurve).toBe("prime256v1");
    const years = (Date.parse(cert.validTo) - Date.now()) / (365.25 * DAY);
    expect(years).toBeGreaterThan(9.9);
    expect(ca.keyPem).toMatch(/^-----BEGIN PRIVATE KEY-----/);
  });

  it("signs a server certificate that node verifies against the CA", () => {
    const leaf = new X509Certificate(server.certPem);
    const root = new X509Certificate(ca.certPem);
    expect(leaf.checkIssued(root)).toBe(true);
    expect(leaf.verify(root.publicKey)).toBe(true);
    expect(leaf.ca).toBe(false);
    expect(leaf.subjectAltName).toBe("DNS:*.shop.prod.convox, DNS:*.shop.prod.router.convox");
    expect(leaf.keyUsage).toEqual(["1.3.6.1.5.5.7.3.1"]);
    expect(leaf.checkHost("web.shop.prod.convox")).toBe("*.shop.prod.convox");
    expect(server.chainPem).toBe(ca.certPem);
    expect(server.keyPem).toMatch(/^-----BEGIN EC PRIVATE KEY-----/);
  });

  it("signs a chain that `openssl verify` accepts for TLS servers, and a key that matches the certificate", async () => {
    const dir = mkdtempSync(join(tmpdir(), "racknet-ca-"));
    try {
      writeFileSync(join(dir, "ca.pem"), ca.certPem);
      writeFileSync(join(dir, "leaf.pem"), server.certPem);
      writeFileSync(join(dir, "key.pem"), server.keyPem);
      const { stdout } = await run("openssl", ["verify", "-purpose", "sslserver", "-CAfile", join(dir, "ca.pem"), join(dir, "leaf.pem")]);
      expect(stdout).toContain(": OK");
      const caText = (await run("openssl", ["x509", "-noout", "-text", "-in", join(dir, "ca.pem")])).stdout;
      expect(caText).toContain("CA:TRUE");
      expect(caText).toMatch(/Certificate Sign, CRL Sign/);
      const fromCert = await run("openssl", ["x509", "-noout", "-pubkey", "-in", join(dir, "leaf.pem")]);
      const fromKey = await run("openssl", ["pkey", "-pubout", "-in", join(dir, "key.pem")]);
      expect(fromKey.stdout).toBe(fromCert.stdout);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("knows who signed a certificate", async () => {
    expect(await isIssuedBy(server.certPem, ca.certPem)).toBe(true);
    const other = await createCa("prod");
    expect(await isIssuedBy(server.certPem, other.certPem)).toBe(false);
    // Signed with this CA's key but naming the other CA (same name, other key id) as issuer: a
    // valid signature alone does not make it this CA's certificate.
    const mixed = await issueServerCertificate({ keyPem: ca.keyPem, certPem: other.certPem }, { commonName: names[0]!, dnsNames: names });
    expect(new X509Certificate(mixed.certPem).verify(new X509Certificate(ca.certPem).publicKey)).toBe(true);
    expect(await isIssuedBy(mixed.certPem, ca.certPem)).toBe(false);
  });

  it("reads the expiry and names back", () => {
    const info = certificateInfo(server.certPem);
    expect(info.dnsNames).toEqual(names);
    expect(info.notAfter.getTime() - Date.now()).toBeGreaterThan(360 * DAY);
  });

  it("renews within 30 days of expiry or when the names change, and not otherwise", () => {
    const expiry = certificateInfo(server.certPem).notAfter.getTime();
    expect(needsRenewal(server.certPem, [...names].reverse(), new Date())).toBe(false);
    expect(needsRenewal(server.certPem, names, new Date(expiry - 31 * DAY))).toBe(false);
    expect(needsRenewal(server.certPem, names, new Date(expiry - 29 * DAY))).toBe(true);
    expect(needsRenewal(server.certPem, names, new Date(expiry + DAY))).toBe(true);
    expect(needsRenewal(server.certPem, [names[0]!], new Date())).toBe(true);
    expect(needsRenewal(server.certPem, [...names, "*.other.prod.convox"], new Date())).toBe(true);
  });
});
