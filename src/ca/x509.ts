/**
 * @peculiar/x509, loaded after reflect-metadata (its decorators need Reflect.getMetadata) and set to Node's WebCrypto.
 * Every module of src/ca imports x509 from here, never from the package.
 */
import "reflect-metadata";
import { webcrypto } from "node:crypto";
import * as x509 from "@peculiar/x509";

x509.cryptoProvider.set(webcrypto as Crypto);

export { x509 };
