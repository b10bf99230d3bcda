/**
 * The rack's certificate authority in SSM Parameter Store and the certificates it signs
 * in ACM: created once, reused while valid, re-imported in place when they need renewal.
 */
import type { ACMClient, CertificateSummary } from "@aws-sdk/client-acm";
import type { Context } from "../core/context.js";
import { UserError } from "../core/errors.js";
import { APP_TAG, RACK_TAG, rackZoneName } from "../names/index.js";
import { createCa, isIssuedBy, issueServerCertificate, needsRenewal, type CertificateAuthority } from "../ca/index.js";
import { sdk } from "./sdk.js";

/** `rack` on the rack's own certificate, `app` on an app's. */
export const CERT_TAG = "racknet:cert";

export function caKeyParameter(rack: string): string {
  return `/racknet/${rack}/ca/key`;
}

export function caCertParameter(rack: string): string {
  return `/racknet/${rack}/ca/cert`;
}

export interface RackCa extends CertificateAuthority {
  /** True when this call created the CA (an install that fails removes it again). */
  created: boolean;
}

/** The rack's CA from Parameter Store, created (key as a SecureString) when absent. */
export async function ensureRackCa(context: Context, rack: string): Promise<RackCa> {
  const existing = await readRackCa(context, rack);
  if (existing) return { ...existing, created: false };
  const ca = await createCa(rack);
  const { PutParameterCommand } = sdk.ssm();
  const ssm = await context.aws.ssm();
  const tags = [{ Key: RACK_TAG, Value: rack }];
  await ssm.send(new PutParameterCommand({ Name: caKeyParameter(rack), Value: ca.keyPem, Type: "SecureString", Tags: tags, Description: `racknet ${rack} CA private key` }));
  await ssm.send(new PutParameterCommand({ Name: caCertParameter(rack), Value: ca.certPem, Type: "String", Tags: tags, Description: `racknet ${rack} CA certificate` }));
  return { ...ca, created: true };
}

/** The CA certificate (PEM), for `racknet rack ca` and the app stacks' RackCaCert. */
export async function readRackCaCertificate(context: Context, rack: string): Promise<string> {
  const { GetParameterCommand } = sdk.ssm();
  const ssm = await context.aws.ssm();
  try {
    const result = await ssm.send(new GetParameterCommand({ Name: caCertParameter(rack) }));
    if (result.Parameter?.Value) return result.Parameter.Value;
  } catch (error) {
    if (!isNamed(error, "ParameterNotFound")) throw error;
  }
  throw noCa(rack);
}

export interface CertificateRequest {
  rack: string;
  /** Absent for the rack's own certificate. */
  app?: string;
  dnsNames: string[];
}

/**
 * The ACM ARN of a CA-signed certificate for `dnsNames`: the racknet certificate tagged
 * for this rack (and app) while it is valid, covers the names and was signed by the
 * current CA; re-imported under the same ARN when not; imported new when there is none.
 */
export async function ensureCertificate(context: Context, request: CertificateRequest): Promise<string> {
  const acm = await context.aws.acm();
  const ca = await readRackCa(context, request.rack);
  if (!ca) throw noCa(request.rack);
  const found = await findCertificate(acm, request);
  if (found && (await stillGood(acm, found, request.dnsNames, ca.certPem))) return found;

  const [commonName = request.rack] = request.dnsNames;
  const issued = await issueServerCertificate(ca, { commonName, dnsNames: request.dnsNames });
  const { ImportCertificateCommand } = sdk.acm();
  const material = {
    Certificate: Buffer.from(issued.certPem),
    PrivateKey: Buffer.from(issued.keyPem),
    CertificateChain: Buffer.from(issued.chainPem),
  };
  // ACM refuses tags on a re-import; the certificate keeps the ones it has.
  const result = await acm.send(
    new ImportCertificateCommand(found ? { ...material, CertificateArn: found } : { ...material, Tags: certificateTags(request) }),
  );
  if (!result.CertificateArn) throw new Error("ACM ImportCertificate returned no CertificateArn");
  return result.CertificateArn;
}

/** Every certificate racknet imported for the rack (its own and its apps'); uninstall only. */
export async function deleteRackCertificates(context: Context, rack: string): Promise<void> {
  const acm = await context.aws.acm();
  const { DeleteCertificateCommand } = sdk.acm();
  for (const { arn } of await racknetCertificates(acm, rack)) {
    await acm.send(new DeleteCertificateCommand({ CertificateArn: arn }));
  }
}

/** Removes the CA's key and certificate; absent parameters are not an error. */
export async function deleteRackCa(context: Context, rack: string): Promise<void> {
  const { DeleteParametersCommand } = sdk.ssm();
  const ssm = await context.aws.ssm();
  await ssm.send(new DeleteParametersCommand({ Names: [caKeyParameter(rack), caCertParameter(rack)] }));
}

async function readRackCa(context: Context, rack: string): Promise<CertificateAuthority | undefined> {
  const { GetParametersCommand } = sdk.ssm();
  const ssm = await context.aws.ssm();
  const result = await ssm.send(new GetParametersCommand({ Names: [caKeyParameter(rack), caCertParameter(rack)], WithDecryption: true }));
  const value = (name: string) => result.Parameters?.find((parameter) => parameter.Name === name)?.Value;
  const keyPem = value(caKeyParameter(rack));
  const certPem = value(caCertParameter(rack));
  if (keyPem && certPem) return { keyPem, certPem };
  if (keyPem || certPem) {
    throw new UserError(`rack ${rack}'s certificate authority is incomplete: ${keyPem ? caCertParameter(rack) : caKeyParameter(rack)} is missing from SSM Parameter Store`, {
      fix: `delete ${caKeyParameter(rack)} and ${caCertParameter(rack)} (racknet then creates a new CA and re-issues every certificate), or restore the missing parameter`,
    });
  }
  return undefined;
}

function noCa(rack: string): UserError {
  return new UserError(`rack ${rack} has no certificate authority (${caCertParameter(rack)} is not in SSM Parameter Store)`, {
    fix: `check the region and rack name (racknet racks); racknet creates the CA with \`racknet rack install ${rack}\``,
  });
}

function certificateTags(request: CertificateRequest) {
  return request.app
    ? [{ Key: RACK_TAG, Value: request.rack }, { Key: APP_TAG, Value: request.app }, { Key: CERT_TAG, Value: "app" }]
    : [{ Key: RACK_TAG, Value: request.rack }, { Key: CERT_TAG, Value: "rack" }];
}

async function findCertificate(acm: ACMClient, request: CertificateRequest): Promise<string | undefined> {
  const owned = await racknetCertificates(acm, request.rack);
  const match = owned.find(({ tags }) => (request.app ? tags[APP_TAG] === request.app : tags[CERT_TAG] === "rack" && !tags[APP_TAG]));
  return match?.arn;
}

async function stillGood(acm: ACMClient, arn: string, dnsNames: string[], caCertPem: string): Promise<boolean> {
  const { GetCertificateCommand } = sdk.acm();
  const { Certificate } = await acm.send(new GetCertificateCommand({ CertificateArn: arn }));
  if (!Certificate) return false;
  return !needsRenewal(Certificate, dnsNames, new Date()) && (await isIssuedBy(Certificate, caCertPem));
}

/**
 * Certificates tagged for the rack. Every name racknet issues ends in `<rack>.convox`, so
 * only those are asked for their tags. ACM lists RSA keys unless asked for others.
 */
async function racknetCertificates(acm: ACMClient, rack: string): Promise<{ arn: string; tags: Record<string, string> }[]> {
  const { paginateListCertificates, ListTagsForCertificateCommand } = sdk.acm();
  const suffix = rackZoneName(rack);
  const candidates: CertificateSummary[] = [];
  for await (const page of paginateListCertificates({ client: acm }, { Includes: { keyTypes: ["EC_prime256v1"] } })) {
    for (const summary of page.CertificateSummaryList ?? []) {
      if (summary.CertificateArn && summary.DomainName?.endsWith(suffix)) candidates.push(summary);
    }
  }
  const owned: { arn: string; tags: Record<string, string> }[] = [];
  for (const summary of candidates) {
    const arn = summary.CertificateArn ?? "";
    const { Tags } = await acm.send(new ListTagsForCertificateCommand({ CertificateArn: arn }));
    const tags = Object.fromEntries((Tags ?? []).map((tag) => [tag.Key, tag.Value ?? ""]));
    if (tags[RACK_TAG] === rack) owned.push({ arn, tags });
  }
  return owned;
}

function isNamed(error: unknown, name: string): boolean {
  return error instanceof Error && error.name === name;
}
