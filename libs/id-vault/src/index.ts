export { MfaTrustError, type MfaTrustErrorCode } from './errors';
export { type IdFileSource, MFA_TRUST_SUCCESS, type MfaTrustPlan, type MfaTrustRequest, planMfaTrust } from './mfa-trust';
export { NO_VAULT_MESSAGE, showIdVaultLines, type ShowIdVaultInput } from './show-idvault';
export { createCertificateCheck, type TrustAnchor, TrustAnchors } from './trust-anchors';
export {
  buildTrustCertificate,
  isCurrent,
  readTrustCertificates,
  SIGNATURE_ITEM,
  signedItemsOf,
  type TrustCertificate,
  type TrustCertificateRequest,
  TRUST_VALIDITY_YEARS,
  trustCertificateUnid,
} from './trust-certificates';
export {
  findVaultDocument,
  MIN_MFA_DESIGN_VERSION,
  readVaultControl,
  readVaultDocuments,
  readVaultOperationsKey,
  type VaultControl,
  type VaultDocument,
  vaultDatabasePath,
} from './vault-documents';
