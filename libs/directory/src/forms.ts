/** Form names of the documents domsim keeps in names.nsf and in the vault database. */
export const Forms = {
  Server: 'Server',
  Person: 'Person',
  Certifier: 'Certifier',
  Certificate: 'Certificate',
  IdVault: 'IDVault',
  SecuritySettings: 'SecuritySettings',
  Connection: 'Connection',
  VaultControl: 'VaultControl',
  VaultServer: 'VaultServer',
  /** Configuration Settings document (names.nsf); its Security tab holds the TOTP settings. */
  ConfigurationSettings: 'ServerConfig',
  /** A user's document in the vault database; it holds the user's TOTP secrets and scratch codes. */
  VaultUser: 'VaultUser',
} as const;

/** The `CertificateType` item of documents in the Certificates view. */
export const CertificateTypes = {
  NotesCertifier: 'Notes Certifier',
  VaultTrust: 'ID Vault Trust Certificate',
  PasswordReset: 'Password Reset Authority',
  Mfa: 'Multi-Factor Authentication Certificate',
} as const;

export type CertificateType = (typeof CertificateTypes)[keyof typeof CertificateTypes];

export const NAMES_NSF = 'names.nsf';

/** The note of a "Replication or Save Conflict" document carries this item, as in Domino. */
export const CONFLICT_ITEM = '$Conflict';

/** A response document's link to its parent; a conflict document points to the document it lost to. */
export const REF_ITEM = '$REF';
