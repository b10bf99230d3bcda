import type { ACMClient, CertificateSummary } from "@aws-sdk/client-acm";
import { RACK_TAG, rackZoneName, routerZoneName } from "../names/index.js";
import { sdk } from "./sdk.js";

/** A certificate racknet imported, with its tags. */
export interface OwnedCertificate {
  arn: string;
  tags: Record<string, string>;
}

export interface CertificateMaterial {
  certPem: string;
  keyPem: string;
  chainPem: string;
}

/**
 * Certificates tagged for the rack. Every name racknet issues ends in `<rack>.convox` or
 * `<rack>.router.convox`, so only those are asked for their tags. ACM lists RSA keys unless
 * asked for others.
 */
export async function rackCertificates(acm: ACMClient, rack: string): Promise<OwnedCertificate[]> {
  const { paginateListCertificates, ListTagsForCertificateCommand } = sdk.acm();
  const suffixes = [rackZoneName(rack), routerZoneName(rack)];
  const candidates: CertificateSummary[] = [];
  for await (const page of paginateListCertificates({ client: acm }, { Includes: { keyTypes: ["EC_prime256v1"] } })) {
    for (const summary of page.CertificateSummaryList ?? []) {
      const domain = summary.DomainName ?? "";
      if (summary.CertificateArn && suffixes.some((suffix) => domain === suffix || domain.endsWith(`.${suffix}`))) candidates.push(summary);
    }
  }
  const owned: OwnedCertificate[] = [];
  for (const summary of candidates) {
    const arn = summary.CertificateArn ?? "";
    const { Tags } = await acm.send(new ListTagsForCertificateCommand({ CertificateArn: arn }));
    const tags = Object.fromEntries((Tags ?? []).map((tag) => [tag.Key, tag.Value ?? ""]));
    if (tags[RACK_TAG] === rack) owned.push({ arn, tags });
  }
  return owned;
}

/** The certificate's PEM; undefined when ACM has none for it. */
export async function certificatePem(acm: ACMClient, arn: string): Promise<string | undefined> {
  const { GetCertificateCommand } = sdk.acm();
  const { Certificate } = await acm.send(new GetCertificateCommand({ CertificateArn: arn }));
  return Certificate;
}

/**
 * Import a certificate: new (with tags) or in place of `arn` (the listeners that use it
 * pick the new one up). ACM refuses tags on a re-import; the certificate keeps the ones it has.
 */
export async function importCertificate(acm: ACMClient, material: CertificateMaterial, target: { arn: string } | { tags: Record<string, string> }): Promise<string> {
  const { ImportCertificateCommand } = sdk.acm();
  const body = {
    Certificate: Buffer.from(material.certPem),
    PrivateKey: Buffer.from(material.keyPem),
    CertificateChain: Buffer.from(material.chainPem),
  };
  const result = await acm.send(
    new ImportCertificateCommand(
      "arn" in target ? { ...body, CertificateArn: target.arn } : { ...body, Tags: Object.entries(target.tags).map(([Key, Value]) => ({ Key, Value })) },
    ),
  );
  if (!result.CertificateArn) throw new Error("ACM ImportCertificate returned no CertificateArn");
  return result.CertificateArn;
}

export async function deleteCertificate(acm: ACMClient, arn: string): Promise<void> {
  const { DeleteCertificateCommand } = sdk.acm();
  await acm.send(new DeleteCertificateCommand({ CertificateArn: arn }));
}
