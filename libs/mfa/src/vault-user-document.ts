import { deriveUnid, Forms, type ItemValue, type Items, type Note, type ReplicaState, textItem, textListItem } from '@domsim/directory';
import { nameKey, tryNameKey } from '@domsim/names';

import { TotpError } from './errors';

/** One enrolled authenticator: its name and the encrypted otpauth URI that holds its secret. */
export interface TotpDevice {
  readonly name: string;
  /** The otpauth URI, encrypted with the vault key (see `encryptForVault`). */
  readonly sealedUri: string;
  readonly created: string;
  /** The last time step a token of this device was accepted for; a token for it or an earlier step is a replay. */
  readonly lastStep: number;
}

/** The TOTP items of a user's vault document. */
export interface TotpRecord {
  readonly devices: readonly TotpDevice[];
  /** Salt of the current scratch code hashes; empty when the user has none. */
  readonly scratchSalt: string;
  readonly scratchHashes: readonly string[];
}

export const EMPTY_TOTP_RECORD: TotpRecord = { devices: [], scratchSalt: '', scratchHashes: [] };

/** Item names in a VaultUser document. The device items are parallel lists, one entry per device. */
export const VaultUserItems = {
  FullName: 'FullName',
  DeviceNames: 'TOTPDeviceNames',
  Uris: 'TOTPURIs',
  DeviceCreated: 'TOTPDeviceCreated',
  LastSteps: 'TOTPLastSteps',
  ScratchSalt: 'TOTPScratchSalt',
  ScratchCodes: 'TOTPScratchCodes',
} as const;

const TOTP_ITEM_NAMES = new Set(
  [VaultUserItems.DeviceNames, VaultUserItems.Uris, VaultUserItems.DeviceCreated, VaultUserItems.LastSteps, VaultUserItems.ScratchSalt, VaultUserItems.ScratchCodes].map((name) =>
    name.toLowerCase(),
  ),
);

/** A user's vault document has one UNID per vault and user, so two vault servers that create it make one note. */
export function vaultUserUnid(vaultName: string, user: string): string {
  return deriveUnid('vault-user', nameKey(vaultName), nameKey(user));
}

/** The items of a new vault document for a user, without TOTP items. */
export function newVaultUserItems(user: string): Items {
  return { [VaultUserItems.FullName]: user };
}

/** The user's document in a vault database replica, found by name; undefined when the user is not in the vault. */
export function findVaultUser(vault: ReplicaState, user: string): Note | undefined {
  const key = tryNameKey(user);
  if (key === undefined) return undefined;
  for (const note of vault.documentsOfForm(Forms.VaultUser)) {
    if (tryNameKey(textItem(note.items, VaultUserItems.FullName)) === key) return note;
  }
  return undefined;
}

/**
 * Reads the TOTP items of a vault document.
 *
 * @throws TotpError VAULT_DOCUMENT_DAMAGED when the device lists differ in length.
 */
export function readTotpRecord(note: Note): TotpRecord {
  const names = textListItem(note.items, VaultUserItems.DeviceNames);
  const uris = textListItem(note.items, VaultUserItems.Uris);
  const created = textListItem(note.items, VaultUserItems.DeviceCreated);
  const steps = textListItem(note.items, VaultUserItems.LastSteps).map(Number);
  if (uris.length !== names.length || created.length !== names.length || steps.length !== names.length || steps.some((step) => !Number.isSafeInteger(step))) {
    throw new TotpError(
      'VAULT_DOCUMENT_DAMAGED',
      `The TOTP items of vault document ${note.unid} do not match (${names.length} device names, ${uris.length} URIs); reset the user's TOTP items with sim totp reset`,
    );
  }
  return {
    devices: names.map((name, index) => ({ name, sealedUri: uris[index], created: created[index], lastStep: steps[index] })),
    scratchSalt: textItem(note.items, VaultUserItems.ScratchSalt),
    scratchHashes: textListItem(note.items, VaultUserItems.ScratchCodes),
  };
}

/** True when any TOTP item of the document has a value, even one that `readTotpRecord` rejects as damaged. */
export function hasTotpItems(items: Items): boolean {
  return Object.entries(items).some(([name, value]) => TOTP_ITEM_NAMES.has(name.toLowerCase()) && !isEmptyValue(value));
}

function isEmptyValue(value: ItemValue): boolean {
  return Array.isArray(value) ? value.length === 0 : value === '';
}

/** The document's items with its TOTP items replaced by `record`; other items stay as they are. */
export function withTotpRecord(items: Items, record: TotpRecord): Items {
  const kept = Object.fromEntries(Object.entries(items).filter(([name]) => !TOTP_ITEM_NAMES.has(name.toLowerCase())));
  return {
    ...kept,
    [VaultUserItems.DeviceNames]: record.devices.map((device) => device.name),
    [VaultUserItems.Uris]: record.devices.map((device) => device.sealedUri),
    [VaultUserItems.DeviceCreated]: record.devices.map((device) => device.created),
    [VaultUserItems.LastSteps]: record.devices.map((device) => String(device.lastStep)),
    [VaultUserItems.ScratchSalt]: record.scratchSalt,
    [VaultUserItems.ScratchCodes]: [...record.scratchHashes],
  };
}
