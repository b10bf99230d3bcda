/**
 * Re-issue a certificate the rack CA signed, inside the rack's renewal function, with Node's
 * crypto only (the function is inlined in the rack template, so it stays a few KB: the CLI's
 * X.509 library would be 360 KB). The new certificate is the old one's TBSCertificate with a
 * new key (ECDSA P-256, as the CLI issues), a new serial, a new validity (the rules of
 * src/ca/rules.ts) and, when it has one, the subject key identifier of the new key (RFC 5280
 * 4.2.1.2, method 1: SHA-1 of the subjectPublicKey bits); everything else (issuer, subject,
 * names, key usages, authority key identifier) is kept byte for byte, then signed by the CA
 * key with the algorithm the old certificate names. RFC 5280 section 4.1 is the layout read.
 */
import { X509Certificate, createHash, generateKeyPairSync, randomBytes, sign } from "node:crypto";
import { CLOCK_SKEW_MS, DAY_MS, RENEW_BEFORE_DAYS, SERVER_VALIDITY_DAYS } from "../../ca/rules.js";

export interface Reissued {
  certPem: string;
  /** SEC1 PEM (`BEGIN EC PRIVATE KEY`), the form ACM documents for imports. */
  keyPem: string;
  notAfter: Date;
}

/** Under 30 days left, or expired. */
export function renewDue(certPem: string, now: Date): boolean {
  const notAfter = new Date(new X509Certificate(certPem).validTo);
  return notAfter.getTime() - now.getTime() < RENEW_BEFORE_DAYS * DAY_MS;
}

const SEQUENCE = 0x30;
const INTEGER = 0x02;
const BIT_STRING = 0x03;
const OCTET_STRING = 0x04;
const EXTENSIONS = 0xa3;
const VERSION = 0xa0;
/** 2.5.29.14, subjectKeyIdentifier. */
const SUBJECT_KEY_IDENTIFIER = Buffer.from("0603551d0e", "hex");
/** ecdsa-with-SHA256, -SHA384, -SHA512 (RFC 5758 3.2): the hash each signs with. */
const ECDSA_HASHES: Record<string, string> = {
  "06082a8648ce3d040302": "sha256",
  "06082a8648ce3d040303": "sha384",
  "06082a8648ce3d040304": "sha512",
};

interface Tlv {
  tag: number;
  /** The whole element, header included. */
  bytes: Buffer;
  content: Buffer;
}

function readTlv(buffer: Buffer, offset: number): Tlv {
  const tag = buffer[offset];
  let length = buffer[offset + 1];
  if (tag === undefined || length === undefined) throw new Error("truncated DER");
  let header = 2;
  if (length & 0x80) {
    const octets = length & 0x7f;
    if (octets < 1 || octets > 4) throw new Error("unsupported DER length");
    length = 0;
    for (let index = 0; index < octets; index++) length = length * 256 + (buffer[offset + 2 + index] ?? 0);
    header += octets;
  }
  const end = offset + header + length;
  if (end > buffer.length) throw new Error("truncated DER");
  return { tag, bytes: buffer.subarray(offset, end), content: buffer.subarray(offset + header, end) };
}

function children(content: Buffer): Tlv[] {
  const items: Tlv[] = [];
  for (let offset = 0; offset < content.length; ) {
    const item = readTlv(content, offset);
    items.push(item);
    offset += item.bytes.length;
  }
  return items;
}

function encode(tag: number, content: Buffer): Buffer {
  const length = content.length;
  let header: Buffer;
  if (length < 0x80) header = Buffer.from([tag, length]);
  else {
    const octets: number[] = [];
    for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) octets.unshift(rest % 256);
    header = Buffer.from([tag, 0x80 | octets.length, ...octets]);
  }
  return Buffer.concat([header, content]);
}

/** UTCTime through 2049, GeneralizedTime after (RFC 5280 4.1.2.5). */
function encodeTime(date: Date): Buffer {
  const iso = date.toISOString().replace(/[-:T]/g, "").replace(/\.\d{3}Z$/, "Z");
  return date.getUTCFullYear() < 2050 ? encode(0x17, Buffer.from(iso.slice(2))) : encode(0x18, Buffer.from(iso));
}

function pemBody(pem: string): Buffer {
  return Buffer.from(pem.replace(/-----(BEGIN|END) [A-Z ]+-----/g, "").replace(/\s+/g, ""), "base64");
}

function toPem(der: Buffer): string {
  const lines = der.toString("base64").match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join("\n")}\n-----END CERTIFICATE-----\n`;
}

/** The extensions with the subject key identifier set to the new key's; the others as they were. */
function withKeyIdentifier(extensions: Tlv, spki: Buffer): Buffer {
  const [list] = children(extensions.content);
  if (!list) return extensions.bytes;
  const [, subjectPublicKey] = children(readTlv(spki, 0).content);
  if (!subjectPublicKey) throw new Error("new key has no subjectPublicKey");
  const keyIdentifier = createHash("sha1").update(subjectPublicKey.content.subarray(1)).digest();
  const rewritten = children(list.content).map((extension) => {
    const [oid] = children(extension.content);
    if (!oid?.bytes.equals(SUBJECT_KEY_IDENTIFIER)) return extension.bytes;
    return encode(SEQUENCE, Buffer.concat([oid.bytes, encode(OCTET_STRING, encode(OCTET_STRING, keyIdentifier))]));
  });
  return encode(EXTENSIONS, encode(SEQUENCE, Buffer.concat(rewritten)));
}

/** A positive serial of 16 random bytes, its first byte non-zero so the INTEGER is minimal. */
function serialNumber(): Buffer {
  const bytes = randomBytes(16);
  bytes[0] = ((bytes[0] ?? 0) & 0x7f) | 0x40;
  return encode(INTEGER, bytes);
}

export function reissue(certPem: string, caKeyPem: string, now: Date): Reissued {
  const [tbs, signatureAlgorithm] = children(readTlv(pemBody(certPem), 0).content);
  if (!tbs || tbs.tag !== SEQUENCE || !signatureAlgorithm) throw new Error("not an X.509 certificate");
  const [algorithmOid] = children(signatureAlgorithm.content);
  const hash = algorithmOid ? ECDSA_HASHES[algorithmOid.bytes.toString("hex")] : undefined;
  if (!hash) throw new Error("the certificate is not signed with ECDSA: not one the rack CA issued");

  const fields = children(tbs.content);
  const version = fields[0]?.tag === VERSION ? fields.shift() : undefined;
  const [, innerAlgorithm, issuer, , subject, , ...rest] = fields;
  if (!innerAlgorithm || !issuer || !subject) throw new Error("incomplete TBSCertificate");

  const { publicKey, privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const spki = publicKey.export({ type: "spki", format: "der" });
  const notBefore = new Date(now.getTime() - CLOCK_SKEW_MS);
  const notAfter = new Date(now.getTime() + SERVER_VALIDITY_DAYS * DAY_MS);
  const validity = encode(SEQUENCE, Buffer.concat([encodeTime(notBefore), encodeTime(notAfter)]));
  const tail = rest.map((field) => (field.tag === EXTENSIONS ? withKeyIdentifier(field, spki) : field.bytes));
  const newTbs = encode(SEQUENCE, Buffer.concat([...(version ? [version.bytes] : []), serialNumber(), innerAlgorithm.bytes, issuer.bytes, validity, subject.bytes, spki, ...tail]));

  const signature = sign(hash, newTbs, { key: caKeyPem, dsaEncoding: "der" });
  const certificate = encode(SEQUENCE, Buffer.concat([newTbs, signatureAlgorithm.bytes, encode(BIT_STRING, Buffer.concat([Buffer.from([0]), signature]))]));
  return { certPem: toPem(certificate), keyPem: privateKey.export({ type: "sec1", format: "pem" }).toString(), notAfter };
}
