export { isValidDeviceName, MAX_DEVICE_NAME_LENGTH, MIN_DEVICE_NAME_LENGTH, sameDeviceName, validateDeviceName } from './device-name';
export { TotpError, type TotpErrorCode } from './errors';
export { checkTotpGate, findMfaTrust, isMfaTrusted, type TotpGateInput } from './mfa-gate';
export {
  MAX_REQUEST_AGE_MS,
  openTotpReply,
  openTotpRequest,
  sealTotpReply,
  sealTotpRequest,
  totpErrorReply,
  type TotpOperation,
  totpOperationSchema,
  type TotpReply,
  totpReplySchema,
  type TotpRequest,
  totpRequestSchema,
  type TotpResult,
  type TotpResultOf,
  totpResultSchema,
  type TotpStatus,
} from './protocol';
export { isScratchCodeForm, normalizeCode, SCRATCH_CODE_DIGITS } from './scratch-codes';
export { open, seal, type SealedBox, SealedBoxError, newTransportKeyPair, transportPublicKey } from './sealed-box';
export {
  confirmEnrollment,
  type EnrollmentOffer,
  type LoginResult,
  offerEnrollment,
  readOtpauthUri,
  removeDevice,
  replaceScratchCodes,
  type TotpChange,
  type TotpContext,
  verifyLogin,
} from './totp-operations';
export {
  ALL_SERVERS,
  configurationSettingsItems,
  DEFAULT_TOTP_SETTINGS,
  MAX_SECRETS_PER_USER,
  MAX_SKEW_STEPS,
  MAX_STEP_SECONDS,
  MIN_SECRETS_PER_USER,
  readTotpSettings,
  SCRATCH_CODE_COUNT,
  SettingItems,
  type TotpAlgorithm,
  type TotpSettings,
} from './totp-settings';
export { generateTotp, matchTotp, newTotpSecret, otpauthUri, timeStep, type TotpMatch, type TotpParameters } from './totp-tokens';
export { decryptFromVault, encryptForVault, newVaultKeyFile, parseVaultKeyFile, VAULT_KEY_DIRECTORY, type VaultKey, vaultKeyFile } from './vault-key';
export {
  EMPTY_TOTP_RECORD,
  findVaultUser,
  hasTotpItems,
  newVaultUserItems,
  readTotpRecord,
  type TotpDevice,
  type TotpRecord,
  VaultUserItems,
  vaultUserUnid,
  withTotpRecord,
} from './vault-user-document';
export {
  findTotpVault,
  NAME_AND_PASSWORD_ITEM,
  NameAndPassword,
  type NameAndPasswordSetting,
  readNameAndPassword,
  type TotpVault,
  VAULT_TRANSPORT_KEY_ITEM,
  vaultsTrusting,
} from './web-server-settings';
