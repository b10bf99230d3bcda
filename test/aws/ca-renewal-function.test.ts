import "aws-sdk-client-mock-vitest/extend";
import { X509Certificate, createPrivateKey, createPublicKey } from "node:crypto";
import { mockClient } from "aws-sdk-client-mock";
import { ACMClient, GetCertificateCommand, ImportCertificateCommand } from "@aws-sdk/client-acm";
import { GetParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { certificateInfo, createCa, issueServerCertificate, isIssuedBy, type CertificateAuthority } from "../../src/ca/index.js";
import { x509 } from "../../src/ca/x509.js";
import { reissue, renewDue } from "../../src/functions/ca-renewal/reissue.js";
import { renewCertificates, type RenewalSettings } from "../../src/functions/ca-renewal/handler.js";

/**
 * The rack's certificate renewal function (issue 20, item 9): re-issues, with the rack CA,
 * each certificate the stack names that has under 30 days left, and re-imports it under the
 * same ARN, as the CLI's renewal does (src/rack-steps/renewal.ts); the others are left alone.
 */

const DAY = 24 * 60 * 60 * 1000;
const RACK_ARN = "arn:aws:acm:us-east-1:123456789012:certificate/rack";
const APPS_ARN = "arn:aws:acm:us-east-1:123456789012:certificate/internal-apps";
const SETTINGS: RenewalSettings = { certificateArns: [RACK_ARN, APPS_ARN, ""], caKeyParameter: "/racknet/prod/ca/key", caCertParameter: "/racknet/prod/ca/cert" };
const NAMES = ["prod.convox", "*.prod.convox"];

const acm = mockClient(ACMClient);
const ssm = mockClient(SSMClient);
let ca: CertificateAuthority;
/** Issued 380 days ago: 17 days left. */
let expiring: string;
/** Issued today: 397 days left. */
let fresh: string;
const now = new Date("2027-06-01T12:00:00Z");

beforeAll(async () => {
  ca = await createCa("prod", new Date(now.getTime() - 400 * DAY));
  expiring = (await issueServerCertificate(ca, { commonName: "prod.convox", dnsNames: NAMES }, new Date(now.getTime() - 380 * DAY))).certPem;
  fresh = (await issueServerCertificate(ca, { commonName: "*.prod.convox", dnsNames: ["*.prod.convox"] }, now)).certPem;
});

beforeEach(() => {
  acm.reset();
  acm.onAnyCommand().rejects(new Error("unmocked ACM call"));
  ssm.reset();
  ssm.onAnyCommand().rejects(new Error("unmocked SSM call"));
  ssm.on(GetParameterCommand, { Name: SETTINGS.caKeyParameter, WithDecryption: true }).resolves({ Parameter: { Value: ca.keyPem } });
  ssm.on(GetParameterCommand, { Name: SETTINGS.caCertParameter }).resolves({ Parameter: { Value: ca.certPem } });
  acm.on(ImportCertificateCommand).resolves({});
});

const clients = () => ({ acm: new ACMClient({ region: "us-east-1" }), ssm: new SSMClient({ region: "us-east-1" }) });

describe("the rack's renewal function", () => {
  it("renews the certificate with under 30 days left under the same ARN, signed by the rack CA, same names, 397 days; leaves the fresh one", async () => {
    acm.on(GetCertificateCommand, { CertificateArn: RACK_ARN }).resolves({ Certificate: expiring });
    acm.on(GetCertificateCommand, { CertificateArn: APPS_ARN }).resolves({ Certificate: fresh });
    const summary = await renewCertificates(clients(), SETTINGS, now);

    expect(summary.current).toEqual([APPS_ARN]);
    expect(summary.failed).toEqual([]);
    expect(summary.renewed).toEqual([{ arn: RACK_ARN, notAfter: new Date(now.getTime() + 397 * DAY).toISOString() }]);
    expect(acm).toHaveReceivedCommandTimes(ImportCertificateCommand, 1);
    const input = acm.commandCalls(ImportCertificateCommand)[0]?.args[0].input;
    expect(input?.CertificateArn).toBe(RACK_ARN);
    expect(Buffer.from(input?.CertificateChain ?? new Uint8Array()).toString()).toBe(ca.certPem);

    const certPem = Buffer.from(input?.Certificate ?? new Uint8Array()).toString();
    const keyPem = Buffer.from(input?.PrivateKey ?? new Uint8Array()).toString();
    const renewed = new X509Certificate(certPem);
    expect(renewed.verify(createPublicKey(ca.certPem))).toBe(true);
    expect(await isIssuedBy(certPem, ca.certPem)).toBe(true);
    expect(renewed.checkPrivateKey(createPrivateKey(keyPem))).toBe(true);
    expect(keyPem).toContain("BEGIN EC PRIVATE KEY");
    expect(certificateInfo(certPem).dnsNames).toEqual(NAMES);
    expect(renewed.subject).toBe(new X509Certificate(expiring).subject);
    expect(renewed.serialNumber).not.toBe(new X509Certificate(expiring).serialNumber);
    expect(renewDue(certPem, now)).toBe(false);
  });

  it("reads the CA key only when a certificate is due: a day with nothing due decrypts nothing", async () => {
    acm.on(GetCertificateCommand).resolves({ Certificate: fresh });
    const summary = await renewCertificates(clients(), SETTINGS, now);
    expect(summary).toEqual({ renewed: [], current: [RACK_ARN, APPS_ARN], failed: [] });
    expect(ssm).not.toHaveReceivedCommand(GetParameterCommand);
    expect(acm).not.toHaveReceivedCommand(ImportCertificateCommand);
  });

  it("a certificate it cannot read is reported and the others still renewed", async () => {
    acm.on(GetCertificateCommand, { CertificateArn: RACK_ARN }).rejects(Object.assign(new Error("not authorized to perform acm:GetCertificate"), { name: "AccessDeniedException" }));
    acm.on(GetCertificateCommand, { CertificateArn: APPS_ARN }).resolves({ Certificate: expiring });
    const summary = await renewCertificates(clients(), SETTINGS, now);
    expect(summary.failed).toEqual([{ arn: RACK_ARN, reason: "AccessDeniedException: not authorized to perform acm:GetCertificate" }]);
    expect(summary.renewed.map((entry) => entry.arn)).toEqual([APPS_ARN]);
  });
});

describe("re-issuing with Node's crypto keeps what the CLI's issue puts in", () => {
  it("the same extensions, the subject key identifier of the new key as the CLI computes it, and the authority key identifier", async () => {
    const renewed = reissue(expiring, ca.keyPem, now);
    const before = new x509.X509Certificate(expiring);
    const after = new x509.X509Certificate(renewed.certPem);
    expect(after.extensions.map((extension) => extension.type)).toEqual(before.extensions.map((extension) => extension.type));
    const ski = after.getExtension(x509.SubjectKeyIdentifierExtension);
    const expected = await x509.SubjectKeyIdentifierExtension.create(await after.publicKey.export());
    expect(ski?.keyId).toBe(expected.keyId);
    expect(ski?.keyId).not.toBe(before.getExtension(x509.SubjectKeyIdentifierExtension)?.keyId);
    expect(after.getExtension(x509.AuthorityKeyIdentifierExtension)?.keyId).toBe(before.getExtension(x509.AuthorityKeyIdentifierExtension)?.keyId);
    expect(after.notBefore.getTime()).toBe(now.getTime() - 5 * 60 * 1000);
    expect(after.notAfter.getTime()).toBe(now.getTime() + 397 * DAY);
  });
});
