import type { DomainSubjects } from '@domsim/replication';

/** Request/reply subject on which a vault server runs TOTP operations for web servers. */
export function totpSubject(subjects: DomainSubjects, vaultServer: string): string {
  return `${subjects.server(vaultServer)}.totp`;
}
