export { certificateFingerprint, type CertificateInfo, certifierNameMatches, isSelfSigned, readCertificate } from './certificate';
export { type CertifierId, createCertifierId, type CreateCertifierIdOptions, type CreatedCertifierId, openCertifierId } from './certifier-id';
export { IdFileError, NotAnIdFileError, WrongPasswordError } from './errors';
export { signItems, verifyItems } from './signature';
export { hashInternetPassword, verifyInternetPassword } from './internet-password';
