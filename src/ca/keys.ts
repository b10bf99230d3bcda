/**
 * ECDSA P-256 keys and PEM conversions for the rack CA, on Node's WebCrypto. Pure: no AWS.
 */
import { createPrivateKey, webcrypto } from "node:crypto";
import { x509 } from "./x509.js";

/** ECDSA with SHA-256 on P-256: what ACM calls EC_prime256v1, accepted by ALBs. */
export const SIGNING_ALGORITHM = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" } as const;

export function generateKeyPair(): Promise<CryptoKeyPair> {
  return webcrypto.subtle.generateKey(SIGNING_ALGORITHM, true, ["sign", "verify"]) as Promise<CryptoKeyPair>;
}

/** PKCS#8 PEM (`BEGIN PRIVATE KEY`). */
export async function privateKeyToPem(key: CryptoKey): Promise<string> {
  const der = await webcrypto.subtle.exportKey("pkcs8", key);
  return x509.PemConverter.encode(der, "PRIVATE KEY");
}

/** SEC1 PEM (`BEGIN EC PRIVATE KEY`): the elliptic-curve form ACM documents for imports. */
export function toSec1Pem(pkcs8Pem: string): string {
  return createPrivateKey(pkcs8Pem).export({ type: "sec1", format: "pem" }).toString();
}

/** Reads a PKCS#8 or SEC1 PEM private key back as a signing key. */
export async function signingKeyFromPem(pem: string): Promise<CryptoKey> {
  const pkcs8 = createPrivateKey(pem).export({ type: "pkcs8", format: "der" });
  return webcrypto.subtle.importKey("pkcs8", pkcs8, SIGNING_ALGORITHM, false, ["sign"]) as Promise<CryptoKey>;
}

export function randomSerialNumber(): string {
  const bytes = webcrypto.getRandomValues(new Uint8Array(16));
  bytes[0] = (bytes[0] ?? 0) & 0x7f; // a positive INTEGER
  return Buffer.from(bytes).toString("hex");
}
