/**
 * Database paths are relative to the data directory and compared without regard to case
 * or to the kind of slash, as on a Domino server: `IBM_ID_VAULT\renovationsvault.nsf` and
 * `ibm_id_vault/RenovationsVault.nsf` name the same database.
 */
export function databasePathKey(path: string): string {
  return path.trim().replace(/\//g, '\\').toLowerCase();
}

export function sameDatabasePath(left: string, right: string): boolean {
  return databasePathKey(left) === databasePathKey(right);
}
