export { createCa, issueServerCertificate, caCommonName, CA_VALIDITY_DAYS, SERVER_VALIDITY_DAYS } from "./authority.js";
export type { CertificateAuthority, ServerCertificate, ServerCertificateRequest } from "./authority.js";
export { certificateInfo, certificateExpiry, needsRenewal, isIssuedBy, RENEW_BEFORE_DAYS } from "./inspect.js";
export type { CertificateExpiry, CertificateInfo } from "./inspect.js";
export { caConstraints, caConstraintStatus, rackCaConstraints } from "./constraints.js";
export type { CaConstraintStatus, CaNameConstraints } from "./constraints.js";
