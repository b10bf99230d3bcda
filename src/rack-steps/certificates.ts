/**
 * The rack's certificate authority (Parameter Store) and the certificates it signs (ACM):
 * created once, reused while valid, re-imported in place when they need renewal.
 */
import { AwsOperationFailed, UserError } from "../errors/index.js";
import { APP_TAG, CERT_TAG, RACK_TAG, caCertParameter, caKeyAlias, caKeyParameter } from "../names/index.js";
import type { CertificateAuthority } from "../ca/index.js";
import { APPS_CERTIFICATE_PARAMETER, appsCertificateNames, appsInCertificate, type AppsListener } from "../templates/rack-certificates.js";
import type { RackInfo } from "../shared-steps/resolve.js";
import { certificatePem, deleteCertificate, importCertificate, rackCertificates, type OwnedCertificate } from "../aws/acm.js";
import { deleteStoredCa, describeStoredCa, readStoredCa, readStoredCaCertificate, storeCa, type StoredCa } from "../aws/ssm-ca.js";
import { arnFacts, caKeyPolicy } from "../ca/key-policy.js";
import { isIssuedBy, needsRenewal } from "../ca/inspect.js";
import { createCaKey, findCaKey, scheduleCaKeyDeletion, type CaKey } from "../aws/kms.js";
import type { Context } from "../runtime/context.js";
import type { Journal } from "../safety/journal.js";

/**
 * The CA library (@peculiar/x509 and its ASN.1 schemas) is loaded when a certificate is made
 * or read, not with the command: it is a large share of start-up. A command that will need it
 * (install) starts the load with `preloadCa` once its first calls are out, so it loads while
 * they are on the wire.
 */
let caLibrary: Promise<typeof import("../ca/index.js")> | undefined;
export function preloadCa(): Promise<typeof import("../ca/index.js")> {
  caLibrary ??= import("../ca/index.js");
  return caLibrary;
}

export interface RackCa extends CertificateAuthority {
  /** True when this call created the CA (an install that fails removes it again). */
  created: boolean;
}

export interface RackCaOptions {
  /** The KMS key that encrypts the CA's private key (the rack's own); absent: Parameter Store's default, aws/ssm. */
  keyId?: string | Promise<string>;
  /**
   * A CA with one of its two parameters missing (a run stopped between the two writes) is
   * made anew instead of refused: only for a rack whose stack does not exist yet, where
   * nothing can have trusted it.
   */
  replaceIncomplete?: boolean;
  /** The CA's parameters as the caller already read them (under the rack's lock): not read again. */
  stored?: StoredCa;
  /**
   * Filled with the names of the CA's parameters this call created, as soon as each is known
   * (src/aws/ssm-create.ts says "mine"), also when storing fails: an install that ends without
   * a stack removes only these.
   */
  created?: Set<string>;
}

/**
 * The rack's CA objects as they stand (its KMS key, its two parameters, the certificates it
 * signed), read together: an install reads them beside its other reads once it holds the
 * rack's lock, and hands them to the `ensure*` steps below, which then read nothing again.
 */
export interface CaObjects {
  key: CaKey | undefined;
  stored: StoredCa;
  certificates: OwnedCertificate[];
}

export async function readCaObjects(context: Context, rack: string): Promise<CaObjects> {
  const [key, stored, certificates] = await Promise.all([
    context.aws.kms().then((kms) => findCaKey(kms, rack)),
    context.aws.ssm().then((ssm) => readStoredCa(ssm, rack)),
    context.aws.acm().then((acm) => rackCertificates(acm, rack)),
  ]);
  return { key, stored, certificates };
}

/**
 * The rack's CA from Parameter Store, created (key as a SecureString) when absent. It is
 * returned as soon as it is known; `saved` settles when a new one is written to Parameter
 * Store, so the caller can sign with it meanwhile and awaits `saved` before it goes on.
 */
export async function ensureRackCa(context: Context, rack: string, options: RackCaOptions = {}): Promise<{ ca: RackCa; saved: Promise<void> }> {
  const stored = options.stored ?? (await readStoredCa(await context.aws.ssm(), rack));
  const incomplete = Boolean(stored.keyPem) !== Boolean(stored.certPem);
  if (!(incomplete && options.replaceIncomplete)) {
    const existing = completeCa(stored, rack);
    if (existing) return { ca: { ...existing, created: false }, saved: Promise.resolve() };
  }
  const ca = await (await preloadCa()).createCa(rack);
  const saved = (async () => {
    const ssm = await context.aws.ssm();
    if (incomplete) await deleteStoredCa(ssm, rack);
    const stored = await storeCa(ssm, rack, ca, await options.keyId);
    for (const name of stored.mine) options.created?.add(name);
    if (stored.failure !== undefined) throw stored.failure;
    if (stored.theirs.length > 0) throw caOfAnother(rack, stored.theirs);
  })();
  // Observed by the caller's await; this keeps a failure from being reported unhandled before then.
  saved.catch(() => undefined);
  return { ca: { ...ca, created: true }, saved };
}

/**
 * The rack CA's own KMS key, adopted when an earlier run made it (found by its alias),
 * created otherwise: customer managed, rotation on, decrypting only the CA key parameter.
 */
export async function ensureCaKey(context: Context, rack: string, known?: Pick<CaObjects, "key">, account?: Promise<{ account: string; partition: string }>): Promise<CaKey & { created: boolean; ready: Promise<void> }> {
  const kms = await context.aws.kms();
  const found = known ? known.key : await findCaKey(kms, rack);
  if (found && found.state === "Enabled") return { ...found, created: false, ready: Promise.resolve() };
  const policyFor = (keyArn: string) => {
    const facts = arnFacts(keyArn);
    return facts ? caKeyPolicy({ rack, ...facts }) : undefined;
  };
  // The account known (GetCallerIdentity, read anyway at install): the policy goes with CreateKey
  // instead of a PutKeyPolicy after it. It grants the account kms:*, so KMS's lockout check passes.
  const caller = await account?.catch(() => undefined);
  const policy = caller ? caKeyPolicy({ rack, account: caller.account, partition: caller.partition, region: await context.aws.region() }) : policyFor;
  return { ...(await createCaKey(kms, rack, policy)), created: true };
}

/** The CA certificate (PEM), for `racknet rack ca` and the app stacks' RackCaCert. */
export async function readRackCaCertificate(context: Context, rack: string): Promise<string> {
  const pem = await readStoredCaCertificate(await context.aws.ssm(), rack);
  if (!pem) throw noCa(rack);
  return pem;
}

export interface CertificateRequest {
  rack: string;
  /** An app's own certificate; absent for the rack's certificates. */
  app?: string;
  /** Which of the rack's certificates (its `racknet:cert` tag): the rack's default one, or a listener's apps certificate. */
  kind?: "rack" | "internal-apps" | "router-apps";
  dnsNames: string[];
}

/**
 * The ACM ARN of a CA-signed certificate for `dnsNames`: the racknet certificate tagged
 * for this rack (and app) while it is valid, covers the names and was signed by the
 * current CA; re-imported under the same ARN when not; imported new when there is none.
 */
export async function ensureCertificate(context: Context, request: CertificateRequest, known?: CertificateAuthority, certificates?: readonly OwnedCertificate[]): Promise<string> {
  const acm = await context.aws.acm();
  // The certificate alone says whether anything must be signed: the key is decrypted only
  // then (or was already, when the caller holds the CA it just made or read: `known`). The
  // rack's certificates too may come read already (`certificates`, under the rack's lock).
  const [caCertPem, owned] = await Promise.all([known ? known.certPem : readRackCaCertificate(context, request.rack), certificates ?? rackCertificates(acm, request.rack)]);
  const found = owned.find(({ tags }) => (request.app ? tags[APP_TAG] === request.app : tags[CERT_TAG] === (request.kind ?? "rack") && !tags[APP_TAG]))?.arn;
  if (found && (await stillGood(await certificatePem(acm, found), request.dnsNames, caCertPem))) return found;
  const ca = known ?? (await readRackCa(context, request.rack));
  if (!ca) throw noCa(request.rack);

  const [commonName = request.rack] = request.dnsNames;
  const issued = await (await preloadCa()).issueServerCertificate(ca, { commonName, dnsNames: request.dnsNames });
  return importCertificate(acm, issued, found ? { arn: found } : { tags: certificateTags(request) });
}

export interface RackCaRemoval {
  certificates: number;
  /** The CA's parameters left standing: those this run did not create (`only`). */
  caLeft: string[];
  key: "scheduled" | "absent" | "kept";
}

/**
 * Every certificate racknet imported for the rack (its own and its apps'), then the CA, then
 * the CA's KMS key (its alias at once, the key after KMS's waiting period): uninstall. Each is
 * found by its tag, name or alias, so a run that never recorded what it made leaves nothing
 * behind either. An install that made no stack passes `only`, the CA's parameters it created
 * itself: another's CA (stored meanwhile, or there before and adopted) is left, and so is the
 * KMS key while that CA's private key stands, or it could never be decrypted again.
 */
export async function removeRackCa(context: Context, rack: string, journal?: Journal, only?: { caParameters: ReadonlySet<string> }): Promise<RackCaRemoval> {
  // With a journal, each part is a step of its own: Ctrl-C stops between them, and a rerun skips what is done.
  const step = async <T>(id: string, work: () => Promise<T>, done: T): Promise<T> => {
    if (journal?.isDone(id)) return done;
    await journal?.start(id);
    const result = await work();
    await journal?.done(id);
    return result;
  };
  const acm = await context.aws.acm();
  const certificates = await step("certificates", async () => {
    const found = await rackCertificates(acm, rack);
    for (const { arn } of found) await deleteCertificate(acm, arn);
    return found.length;
  }, 0);
  const both = [caKeyParameter(rack), caCertParameter(rack)];
  const removing = only ? both.filter((name) => only.caParameters.has(name)) : both;
  await step("ca", async () => deleteStoredCa(await context.aws.ssm(), rack, removing), undefined);
  const caLeft = removing.length === both.length ? [] : (await describeStoredCa(await context.aws.ssm(), rack)).names;
  if (caLeft.includes(caKeyParameter(rack))) return { certificates, caLeft, key: "kept" };
  const key = await step("ca-key", async () => scheduleCaKeyDeletion(await context.aws.kms(), rack), "absent" as const);
  return { certificates, caLeft, key };
}

/** The journal steps of `removeRackCa`, in order, for an operation's plan. */
export function rackCaRemovalSteps(rack: string): Array<{ id: string; what: string }> {
  return [
    { id: "certificates", what: `the rack's certificates in ACM` },
    { id: "ca", what: `the rack's CA in SSM Parameter Store (${caKeyParameter(rack)}, ${caCertParameter(rack)})` },
    { id: "ca-key", what: `the CA's KMS key ${caKeyAlias(rack)} (deletion scheduled)` },
  ];
}

/** The CA's parameters were created by another racknet meanwhile: never overwritten. */
function caOfAnother(rack: string, theirs: readonly string[]): AwsOperationFailed {
  return new AwsOperationFailed(`rack ${rack}'s certificate authority was stored by another racknet while this one ran: ${theirs.join(" and ")} already held another value (ParameterAlreadyExists); racknet never overwrites a CA`, {
    fix: `check that no other racknet works on rack ${rack} (\`racknet rack -r ${rack}\`), then run the same command again: it uses the CA that stands`,
  });
}

async function readRackCa(context: Context, rack: string): Promise<CertificateAuthority | undefined> {
  return completeCa(await readStoredCa(await context.aws.ssm(), rack), rack);
}

/** Both halves of the stored CA, nothing when neither is there; refused when one is missing. */
function completeCa({ keyPem, certPem }: { keyPem?: string; certPem?: string }, rack: string): CertificateAuthority | undefined {
  if (keyPem && certPem) return { keyPem, certPem };
  if (keyPem || certPem) {
    throw new UserError(`rack ${rack}'s certificate authority is incomplete: ${keyPem ? caCertParameter(rack) : caKeyParameter(rack)} is missing from SSM Parameter Store`, {
      fix: `delete ${caKeyParameter(rack)} and ${caCertParameter(rack)} (racknet then creates a new CA and re-issues every certificate), or restore the missing parameter`,
    });
  }
  return undefined;
}

async function stillGood(certPem: string | undefined, dnsNames: string[], caCertPem: string): Promise<boolean> {
  if (!certPem) return false;
  return !needsRenewal(certPem, dnsNames, new Date()) && (await isIssuedBy(certPem, caCertPem));
}

function noCa(rack: string): UserError {
  return new UserError(`rack ${rack} has no certificate authority (${caCertParameter(rack)} is not in SSM Parameter Store)`, {
    fix: `check the region and rack name (racknet racks); racknet creates the CA with \`racknet rack install ${rack}\``,
  });
}

function certificateTags(request: CertificateRequest): Record<string, string> {
  return request.app ? { [RACK_TAG]: request.rack, [APP_TAG]: request.app, [CERT_TAG]: "app" } : { [RACK_TAG]: request.rack, [CERT_TAG]: request.kind ?? "rack" };
}

/**
 * Make the listener's apps certificate name this app (`*.<app>.<rack>.convox`), before the
 * app stack changes: re-issued with every app it names plus this one and re-imported under
 * the same ARN, so the listener serves the new name without a certificate of its own (an ALB
 * takes 25; docs/rack-template.md, "Certificates"). Read back afterwards: two deploys that
 * re-import at once may drop each other's name, and the one that finds its name gone adds it again.
 */
export async function admitToAppsCertificates(context: Context, rack: RackInfo, app: string, listeners: readonly AppsListener[]): Promise<void> {
  for (const listener of listeners) await updateAppsCertificate(context, rack, listener, (apps) => (apps.includes(app) ? apps : [...apps, app]), (apps) => apps.includes(app));
}

/** Take the app's name out of the listeners' apps certificates (after its stack is gone). */
export async function releaseFromAppsCertificates(context: Context, rack: RackInfo, app: string): Promise<void> {
  for (const listener of ["internal", "router"] as const) {
    if (!rack.parameters[APPS_CERTIFICATE_PARAMETER[listener]]) continue;
    await updateAppsCertificate(context, rack, listener, (apps) => apps.filter((other) => other !== app), (apps) => !apps.includes(app));
  }
}

const APPS_CERTIFICATE_ATTEMPTS = 3;

async function updateAppsCertificate(
  context: Context,
  rack: RackInfo,
  listener: AppsListener,
  change: (apps: string[]) => string[],
  done: (apps: string[]) => boolean,
): Promise<void> {
  const arn = rack.parameters[APPS_CERTIFICATE_PARAMETER[listener]];
  if (!arn) {
    throw new UserError(`rack ${rack.rack} has no apps certificate on its ${listener} listener (it was installed by an older racknet); nothing was changed`, {
      fix: `reinstall the rack with this racknet (\`racknet rack uninstall ${rack.rack}\`, then \`racknet rack install ${rack.rack}\`)`,
    });
  }
  const [acm, { certificateInfo, issueServerCertificate }] = await Promise.all([context.aws.acm(), preloadCa()]);
  for (let attempt = 1; attempt <= APPS_CERTIFICATE_ATTEMPTS; attempt += 1) {
    const [pem, caCertPem] = await Promise.all([certificatePem(acm, arn), readRackCaCertificate(context, rack.rack)]);
    const apps = pem ? appsInCertificate(listener, rack.rack, certificateInfo(pem).dnsNames) : [];
    const wanted = change(apps);
    const names = appsCertificateNames(listener, rack.rack, wanted);
    if (pem && done(apps) && (await stillGood(pem, names, caCertPem))) return;
    // Only now is the CA's key needed, and decrypted.
    const ca = await readRackCa(context, rack.rack);
    if (!ca) throw noCa(rack.rack);
    const [commonName = rack.rack] = names;
    await importCertificate(acm, await issueServerCertificate(ca, { commonName, dnsNames: names }), { arn });
    const after = await certificatePem(acm, arn);
    if (after && done(appsInCertificate(listener, rack.rack, certificateInfo(after).dnsNames))) return;
  }
  throw new UserError(`the ${listener} listener's apps certificate of rack ${rack.rack} kept changing under racknet (another deploy at the same time?); the app stack was not changed`, {
    fix: "run the command again",
  });
}
