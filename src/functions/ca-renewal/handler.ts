/**
 * The rack's certificate renewal function (AWS Lambda, nodejs24.x, the runtime's SDK v3). An
 * EventBridge rule runs it once a day: each rack certificate (the rack's own and the
 * listeners' apps certificates, the stack parameters the CLI renews too) with under 30 days
 * left is re-issued by the rack CA and re-imported under the same ARN, so the listeners
 * serve it without a stack change, as `racknet deploy` does (src/rack-steps/renewal.ts). A rack
 * nobody touches keeps valid certificates. Bundled by scripts/build-sync-function.mjs.
 */
import { ACMClient, GetCertificateCommand, ImportCertificateCommand } from "@aws-sdk/client-acm";
import { GetParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import { reissue, renewDue } from "./reissue.js";

export interface RenewalSettings {
  /** The certificates to keep valid; empty entries (an apps certificate the rack has not) are skipped. */
  certificateArns: string[];
  caKeyParameter: string;
  caCertParameter: string;
}

export interface RenewalClients {
  acm: Pick<ACMClient, "send">;
  ssm: Pick<SSMClient, "send">;
}

export interface RenewalSummary {
  renewed: { arn: string; notAfter: string }[];
  /** Certificates with 30 days or more left. */
  current: string[];
  /** Certificates that could not be read or renewed, with why: the run fails after trying every one. */
  failed: { arn: string; reason: string }[];
}

export async function renewCertificates(clients: RenewalClients, settings: RenewalSettings, now: Date): Promise<RenewalSummary> {
  const summary: RenewalSummary = { renewed: [], current: [], failed: [] };
  let ca: { keyPem: string; certPem: string } | undefined;
  for (const arn of settings.certificateArns.filter(Boolean)) {
    try {
      const { Certificate: certPem } = await clients.acm.send(new GetCertificateCommand({ CertificateArn: arn }));
      if (!certPem) throw new Error("ACM returned no certificate");
      if (!renewDue(certPem, now)) {
        summary.current.push(arn);
        continue;
      }
      // The CA key is read only when a certificate is due: most days nothing is decrypted.
      ca ??= { keyPem: await parameter(clients.ssm, settings.caKeyParameter, true), certPem: await parameter(clients.ssm, settings.caCertParameter, false) };
      const renewed = reissue(certPem, ca.keyPem, now);
      await clients.acm.send(new ImportCertificateCommand({ CertificateArn: arn, Certificate: Buffer.from(renewed.certPem), PrivateKey: Buffer.from(renewed.keyPem), CertificateChain: Buffer.from(ca.certPem) }));
      summary.renewed.push({ arn, notAfter: renewed.notAfter.toISOString() });
    } catch (error) {
      summary.failed.push({ arn, reason: error instanceof Error ? `${error.name}: ${error.message}` : String(error) });
    }
  }
  return summary;
}

async function parameter(ssm: RenewalClients["ssm"], name: string, decrypt: boolean): Promise<string> {
  const { Parameter } = await ssm.send(new GetParameterCommand({ Name: name, WithDecryption: decrypt }));
  if (!Parameter?.Value) throw new Error(`the rack CA's parameter ${name} is empty or missing`);
  return Parameter.Value;
}

let clients: RenewalClients | undefined;

export async function handler(): Promise<RenewalSummary> {
  const setting = (name: string) => {
    const value = process.env[name];
    if (value === undefined) throw new Error(`environment variable ${name} is not set`);
    return value;
  };
  clients ??= { acm: new ACMClient({}), ssm: new SSMClient({}) };
  const summary = await renewCertificates(
    clients,
    { certificateArns: setting("CERTIFICATE_ARNS").split(","), caKeyParameter: setting("CA_KEY_PARAMETER"), caCertParameter: setting("CA_CERT_PARAMETER") },
    new Date(),
  );
  // The function's log is its record (CloudWatch Logs); no key or certificate body is written.
  console.log(JSON.stringify(summary));
  // A failed run is retried by EventBridge's asynchronous invocation, and shows in the function's Errors metric.
  if (summary.failed.length > 0) throw new Error(`could not renew ${summary.failed.map((entry) => `${entry.arn} (${entry.reason})`).join(", ")}`);
  return summary;
}
