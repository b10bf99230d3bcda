export { createCa, issueServerCertificate, caCommonName, CA_VALIDITY_DAYS, SERVER_VALIDITY_DAYS } from "./authority.js";
export type { CertificateAuthority, ServerCertificate, ServerCertificateRequest } from "./authority.js";
export { certificateInfo, needsRenewal, isIssuedBy, RENEW_BEFORE_DAYS } from "./inspect.js";
export type { CertificateInfo } from "./inspect.js";
