import { mockClient } from "aws-sdk-client-mock";
import {
  ACMClient,
  DeleteCertificateCommand,
  GetCertificateCommand,
  ImportCertificateCommand,
  ListCertificatesCommand,
  ListTagsForCertificateCommand,
} from "@aws-sdk/client-acm";
import { DeleteParametersCommand, GetParameterCommand, GetParametersCommand, PutParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import { DescribeKeyCommand, KMSClient } from "@aws-sdk/client-kms";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createContext, type Context } from "../../src/runtime/context.js";
import { UserError } from "../../src/errors/index.js";
import { createCa, issueServerCertificate, type CertificateAuthority } from "../../src/ca/index.js";
import { ensureCertificate, ensureRackCa, readRackCaCertificate, removeRackCa } from "../../src/rack-steps/certificates.js";

const acm = mockClient(ACMClient);
const ssm = mockClient(SSMClient);
const kms = mockClient(KMSClient);
const names = ["*.shop.prod.convox"];
const arn = "arn:aws:acm:us-east-1:123456789012:certificate/0b6b1c56-7f1e-4c11-9d53-4a2a7b1b2f10";

let context: Context;
let ca: CertificateAuthority;

function caInSsm(authority: CertificateAuthority | undefined): void {
  ssm.on(GetParametersCommand).resolves({
    Parameters: authority
      ? [
          { Name: "/racknet/prod/ca/key", Value: authority.keyPem, Type: "SecureString" },
          { Name: "/racknet/prod/ca/cert", Value: authority.certPem, Type: "String" },
        ]
      : [],
    InvalidParameters: authority ? [] : ["/racknet/prod/ca/key", "/racknet/prod/ca/cert"],
  });
  // The certificate alone, undecrypted: what tells whether anything must be signed.
  if (authority) ssm.on(GetParameterCommand, { Name: "/racknet/prod/ca/cert" }).resolves({ Parameter: { Name: "/racknet/prod/ca/cert", Value: authority.certPem } });
  else ssm.on(GetParameterCommand).rejects(Object.assign(new Error("Parameter not found"), { name: "ParameterNotFound" }));
}

function certificateInAcm(certPem: string, tags: Record<string, string> = { "racknet:rack": "prod", "racknet:app": "shop", "racknet:cert": "app" }): void {
  acm.on(ListCertificatesCommand).resolves({ CertificateSummaryList: [{ CertificateArn: arn, DomainName: "*.shop.prod.convox" }] });
  acm.on(ListTagsForCertificateCommand, { CertificateArn: arn }).resolves({ Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) });
  acm.on(GetCertificateCommand, { CertificateArn: arn }).resolves({ Certificate: certPem, CertificateChain: ca.certPem });
}

beforeAll(async () => {
  context = createContext({ json: false, color: false, debug: false, yes: true, dryRun: false, region: "us-east-1" });
  ca = await createCa("prod");
});

beforeEach(() => {
  acm.reset();
  ssm.reset();
  kms.reset();
  kms.onAnyCommand().rejects(new Error("unexpected KMS call"));
  // No CA key of the rack's own (a rack from before it, or already gone).
  kms.on(DescribeKeyCommand).rejects(Object.assign(new Error("Alias is not found"), { name: "NotFoundException" }));
  // An AWS call a test did not expect fails instead of resolving to {}.
  acm.onAnyCommand().rejects(new Error("unexpected ACM call"));
  ssm.onAnyCommand().rejects(new Error("unexpected SSM call"));
  acm.on(ImportCertificateCommand).resolves({ CertificateArn: arn });
});

describe("the rack CA in Parameter Store", () => {
  it("is created when absent: the key as a SecureString, the certificate as a String", async () => {
    caInSsm(undefined);
    ssm.on(PutParameterCommand).resolves({ Version: 1 });
    const { ca: created, saved } = await ensureRackCa(context, "prod");
    await saved;
    expect(created.created).toBe(true);
    const puts = ssm.commandCalls(PutParameterCommand).map((call) => call.args[0].input);
    expect(puts.map(({ Name, Type, Value }) => ({ Name, Type, Value }))).toEqual([
      { Name: "/racknet/prod/ca/key", Type: "SecureString", Value: created.keyPem },
      { Name: "/racknet/prod/ca/cert", Type: "String", Value: created.certPem },
    ]);
    expect(ssm.commandCalls(GetParametersCommand)[0]?.args[0].input.WithDecryption).toBe(true);
  });

  it("is reused when present", async () => {
    caInSsm(ca);
    const { ca: existing, saved } = await ensureRackCa(context, "prod");
    await saved;
    expect(existing).toEqual({ ...ca, created: false });
    expect(ssm.commandCalls(PutParameterCommand)).toHaveLength(0);
  });

  it("`racknet rack ca` says clearly when the rack has none", async () => {
    ssm.on(GetParameterCommand).rejects(Object.assign(new Error("Parameter not found"), { name: "ParameterNotFound" }));
    const error = await readRackCaCertificate(context, "prod").catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).message).toMatch(/rack prod has no certificate authority/);
    expect((error as UserError).fix).toMatch(/racknet rack install prod/);
  });

  it("prints the certificate when present", async () => {
    ssm.on(GetParameterCommand, { Name: "/racknet/prod/ca/cert" }).resolves({ Parameter: { Value: ca.certPem } });
    expect(await readRackCaCertificate(context, "prod")).toBe(ca.certPem);
  });

  it("is removed on uninstall", async () => {
    ssm.on(DeleteParametersCommand).resolves({});
    acm.on(ListCertificatesCommand).resolves({ CertificateSummaryList: [] });
    await removeRackCa(context, "prod");
    expect(ssm.commandCalls(DeleteParametersCommand)[0]?.args[0].input.Names).toEqual(["/racknet/prod/ca/key", "/racknet/prod/ca/cert"]);
  });
});

describe("certificates in ACM", () => {
  it("imports a new, tagged certificate signed by the CA when the app has none", async () => {
    caInSsm(ca);
    acm.on(ListCertificatesCommand).resolves({ CertificateSummaryList: [] });
    expect(await ensureCertificate(context, { rack: "prod", app: "shop", dnsNames: names })).toBe(arn);
    const input = acm.commandCalls(ImportCertificateCommand)[0]?.args[0].input;
    expect(input?.CertificateArn).toBeUndefined();
    expect(input?.Tags).toEqual([
      { Key: "racknet:rack", Value: "prod" },
      { Key: "racknet:app", Value: "shop" },
      { Key: "racknet:cert", Value: "app" },
    ]);
    expect(Buffer.from(input?.CertificateChain ?? []).toString()).toBe(ca.certPem);
    expect(Buffer.from(input?.PrivateKey ?? []).toString()).toMatch(/BEGIN EC PRIVATE KEY/);
    expect(acm.commandCalls(ListCertificatesCommand)[0]?.args[0].input.Includes?.keyTypes).toContain("EC_prime256v1");
  });

  it("reuses the certificate while it is valid, covers the names and was signed by the rack's CA", async () => {
    caInSsm(ca);
    certificateInAcm((await issueServerCertificate(ca, { commonName: names[0]!, dnsNames: names })).certPem);
    expect(await ensureCertificate(context, { rack: "prod", app: "shop", dnsNames: names })).toBe(arn);
    expect(acm.commandCalls(ImportCertificateCommand)).toHaveLength(0);
    // Nothing to sign: the CA's private key is not even read (no decryption).
    expect(ssm.commandCalls(GetParametersCommand)).toHaveLength(0);
  });

  it.each([
    ["expires within 30 days", async () => (await issueServerCertificate(ca, { commonName: names[0]!, dnsNames: names, days: 10 })).certPem],
    ["covers other names", async () => (await issueServerCertificate(ca, { commonName: "x", dnsNames: ["*.old.prod.convox"] })).certPem],
    ["was signed by another CA", async () => (await issueServerCertificate(await createCa("prod"), { commonName: names[0]!, dnsNames: names })).certPem],
  ])("re-imports in place, keeping the ARN, when the certificate %s", async (_why, certificate) => {
    caInSsm(ca);
    certificateInAcm(await certificate());
    expect(await ensureCertificate(context, { rack: "prod", app: "shop", dnsNames: names })).toBe(arn);
    const input = acm.commandCalls(ImportCertificateCommand)[0]?.args[0].input;
    expect(input?.CertificateArn).toBe(arn);
    expect(input?.Tags).toBeUndefined();
  });

  it("does not take another app's certificate, nor an app's for the rack's own", async () => {
    caInSsm(ca);
    certificateInAcm((await issueServerCertificate(ca, { commonName: names[0]!, dnsNames: names })).certPem, { "racknet:rack": "prod", "racknet:app": "billing", "racknet:cert": "app" });
    await ensureCertificate(context, { rack: "prod", app: "shop", dnsNames: names });
    await ensureCertificate(context, { rack: "prod", dnsNames: ["prod.convox"] });
    const imports = acm.commandCalls(ImportCertificateCommand).map((call) => call.args[0].input);
    expect(imports.map((input) => input.CertificateArn)).toEqual([undefined, undefined]);
    expect(imports[1]?.Tags).toEqual([{ Key: "racknet:rack", Value: "prod" }, { Key: "racknet:cert", Value: "rack" }]);
  });

  it("refuses with a UserError when the rack has no CA", async () => {
    caInSsm(undefined);
    await expect(ensureCertificate(context, { rack: "prod", app: "shop", dnsNames: names })).rejects.toThrow(UserError);
    expect(acm.commandCalls(ImportCertificateCommand)).toHaveLength(0);
  });

  it("uninstall deletes every certificate tagged for the rack, and only those", async () => {
    const other = `${arn}-other`;
    acm.on(ListCertificatesCommand).resolves({
      CertificateSummaryList: [
        { CertificateArn: arn, DomainName: "prod.convox" },
        { CertificateArn: other, DomainName: "*.shop.xprod.convox" },
        { CertificateArn: "arn:unrelated", DomainName: "www.example.com" },
      ],
    });
    acm.on(ListTagsForCertificateCommand, { CertificateArn: arn }).resolves({ Tags: [{ Key: "racknet:rack", Value: "prod" }] });
    acm.on(ListTagsForCertificateCommand, { CertificateArn: other }).resolves({ Tags: [{ Key: "racknet:rack", Value: "xprod" }] });
    acm.on(DeleteCertificateCommand).resolves({});
    ssm.on(DeleteParametersCommand).resolves({});
    await removeRackCa(context, "prod");
    expect(acm.commandCalls(DeleteCertificateCommand).map((call) => call.args[0].input.CertificateArn)).toEqual([arn]);
    // xprod's certificate is not even asked for its tags: its names are not under prod.convox.
    expect(acm.commandCalls(ListTagsForCertificateCommand).map((call) => call.args[0].input.CertificateArn)).toEqual([arn]);
  });
});
