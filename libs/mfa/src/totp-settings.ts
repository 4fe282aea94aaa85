import { Forms, type Items, type ReplicaState, textItem } from '@domsim/directory';
import { tryNameKey } from '@domsim/names';

/** HMAC algorithms a vault issues secrets for. SHA-1 tokens are accepted for every secret as well. */
export type TotpAlgorithm = 'SHA256' | 'SHA1';

/** TOTP settings from the Security tab of the Configuration Settings document, plus the notes.ini step and skew. */
export interface TotpSettings {
  /** "TOTP for web authentication". */
  readonly enabled: boolean;
  /** "Emergency scratch codes": whether users get one-time codes at enrollment. */
  readonly scratchCodes: boolean;
  /** "Maximum secrets per user", 1-3. */
  readonly maxSecretsPerUser: number;
  readonly algorithm: TotpAlgorithm;
  readonly digits: number;
  /** TOTP_STEPSIZE: seconds per token. */
  readonly stepSeconds: number;
  /** TOTP_TIMESKEW_STEPS: steps accepted before and after the current one. */
  readonly skewSteps: number;
}

/** Domino issues 10 emergency scratch codes at a time. */
export const SCRATCH_CODE_COUNT = 10;
export const MIN_SECRETS_PER_USER = 1;
export const MAX_SECRETS_PER_USER = 3;
export const MAX_STEP_SECONDS = 300;
export const MAX_SKEW_STEPS = 10;

/** Domino's defaults; TOTP itself is off until an administrator enables it. */
export const DEFAULT_TOTP_SETTINGS: TotpSettings = {
  enabled: false,
  scratchCodes: true,
  maxSecretsPerUser: 3,
  algorithm: 'SHA256',
  digits: 6,
  stepSeconds: 30,
  skewSteps: 1,
};

/** `ServerName` of the Configuration Settings document that applies to every server. */
export const ALL_SERVERS = '*';

/** Item names of the TOTP fields in a Configuration Settings document. */
export const SettingItems = {
  ServerName: 'ServerName',
  Enabled: 'TOTPEnabled',
  ScratchCodes: 'TOTPScratchCodes',
  MaxSecretsPerUser: 'TOTPMaxSecrets',
  Algorithm: 'TOTPAlgorithm',
  StepSeconds: 'TOTP_STEPSIZE',
  SkewSteps: 'TOTP_TIMESKEW_STEPS',
} as const;

/** The items of a Configuration Settings document with these TOTP settings. */
export function configurationSettingsItems(settings: TotpSettings, serverName: string = ALL_SERVERS): Items {
  return {
    [SettingItems.ServerName]: serverName,
    [SettingItems.Enabled]: settings.enabled ? '1' : '0',
    [SettingItems.ScratchCodes]: settings.scratchCodes ? '1' : '0',
    [SettingItems.MaxSecretsPerUser]: String(settings.maxSecretsPerUser),
    [SettingItems.Algorithm]: settings.algorithm,
    [SettingItems.StepSeconds]: String(settings.stepSeconds),
    [SettingItems.SkewSteps]: String(settings.skewSteps),
  };
}

/**
 * Reads the TOTP settings that apply to a server: its own Configuration Settings document
 * if names.nsf has one, else the one for all servers (`*`), else Domino's defaults. A value
 * outside its range falls back to the default.
 */
export function readTotpSettings(names: ReplicaState, server: string): TotpSettings {
  const documents = [...names.documentsOfForm(Forms.ConfigurationSettings)];
  const serverKey = tryNameKey(server);
  const own = documents.find((note) => serverKey !== undefined && tryNameKey(textItem(note.items, SettingItems.ServerName)) === serverKey);
  const shared = documents.find((note) => textItem(note.items, SettingItems.ServerName).trim() === ALL_SERVERS);
  const note = own ?? shared;
  return note === undefined ? DEFAULT_TOTP_SETTINGS : settingsFromItems(note.items);
}

function settingsFromItems(items: Items): TotpSettings {
  const defaults = DEFAULT_TOTP_SETTINGS;
  const algorithm = textItem(items, SettingItems.Algorithm).toUpperCase().replace('-', '');
  return {
    enabled: textItem(items, SettingItems.Enabled) === '1',
    scratchCodes: textItem(items, SettingItems.ScratchCodes) !== '0',
    maxSecretsPerUser: integerIn(textItem(items, SettingItems.MaxSecretsPerUser), MIN_SECRETS_PER_USER, MAX_SECRETS_PER_USER, defaults.maxSecretsPerUser),
    algorithm: algorithm === 'SHA1' ? 'SHA1' : 'SHA256',
    digits: defaults.digits,
    stepSeconds: integerIn(textItem(items, SettingItems.StepSeconds), 1, MAX_STEP_SECONDS, defaults.stepSeconds),
    skewSteps: integerIn(textItem(items, SettingItems.SkewSteps), 0, MAX_SKEW_STEPS, defaults.skewSteps),
  };
}

function integerIn(text: string, min: number, max: number, fallback: number): number {
  const value = Number(text);
  return text.trim() !== '' && Number.isInteger(value) && value >= min && value <= max ? value : fallback;
}
