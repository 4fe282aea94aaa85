import { randomInt } from 'node:crypto';
import type { KeyObject } from 'node:crypto';

import { CertificateTypes, deriveUnid, Forms, type Items, NAMES_NSF } from '@domsim/directory';
import { buildTrustCertificate } from '@domsim/id-vault';
import { ALL_SERVERS, configurationSettingsItems, NAME_AND_PASSWORD_ITEM, newVaultUserItems, VAULT_TRANSPORT_KEY_ITEM, vaultUserUnid } from '@domsim/mfa';
import { abbreviate, nameKey, parseName } from '@domsim/names';
import { hashInternetPassword, readCertificate } from '@domsim/pki';

import type { Topology, VaultSpec } from './topology';

export interface InitialDocument {
  readonly unid: string;
  readonly form: string;
  readonly items: Items;
}

/** A certifier created for the domain, with its key for signing the initial trust certificates. */
export interface DomainCertifier {
  readonly name: string;
  readonly certificatePem: string;
  readonly privateKey: KeyObject;
}

/**
 * Builds the documents the administration server writes into a new names.nsf: Certifier,
 * Server and Person documents, the Configuration Settings document, vault documents with
 * each vault's public transport key from `vaultTransportKeys`, security settings, and the
 * signed vault trust and password reset certificates.
 */
export function buildNamesDocuments(
  topology: Topology,
  certifiers: readonly DomainCertifier[],
  now: Date,
  vaultTransportKeys: ReadonlyMap<string, string> = new Map(),
): InitialDocument[] {
  const documents: InitialDocument[] = [];

  for (const certifier of certifiers) documents.push(certifierDocument(certifier));
  for (const server of topology.servers) {
    documents.push({
      unid: deriveUnid('server', nameKey(server.name)),
      form: Forms.Server,
      items: {
        ServerName: server.name,
        Domain: topology.domain,
        ServerTitle: server.title,
        AdministrationServer: server.administrationServer ? '1' : '0',
        HTTPEnabled: server.http.enabled ? '1' : '0',
        [NAME_AND_PASSWORD_ITEM]: server.http.nameAndPassword,
        Administrators: topology.people.filter((person) => person.administrator).map((person) => person.name),
        ClusterName: topology.clusters.find((cluster) => cluster.servers.some((member) => nameKey(member) === nameKey(server.name)))?.name ?? '',
      },
    });
  }
  for (const connection of topology.connections) {
    documents.push({
      unid: deriveUnid('connection', nameKey(connection.source), nameKey(connection.destination)),
      form: Forms.Connection,
      items: {
        Source: connection.source,
        Destination: connection.destination,
        RepType: connection.type,
        Interval: connection.interval,
        Window: connection.window,
        Databases: [...connection.databases],
        Enabled: connection.enabled ? '1' : '0',
      },
    });
  }
  for (const person of topology.people) {
    const name = parseName(person.name);
    const words = (name.common ?? '').split(' ');
    documents.push({
      unid: deriveUnid('person', nameKey(person.name)),
      form: Forms.Person,
      items: {
        FullName: [person.name, abbreviate(person.name)],
        FirstName: words.length > 1 ? words.slice(0, -1).join(' ') : '',
        LastName: words[words.length - 1] ?? '',
        ShortName: (name.common ?? '').replace(/\s+/g, '').toLowerCase(),
        InternetAddress: person.internetAddress ?? '',
        Administrator: person.administrator ? '1' : '0',
        HTTPPassword: person.internetPassword === undefined ? '' : hashInternetPassword(person.internetPassword),
      },
    });
  }
  documents.push({ unid: deriveUnid('configuration-settings', ALL_SERVERS), form: Forms.ConfigurationSettings, items: configurationSettingsItems(topology.totp) });
  for (const vault of topology.vaults) documents.push(...vaultDirectoryDocuments(vault, certifiers, now, vaultTransportKeys.get(nameKey(vault.name)) ?? ''));
  return documents;
}

/** Builds the documents the vault's first server writes into a new vault database, a vault document per vaulted user included. */
export function buildVaultDocuments(vault: VaultSpec, operationsKeys: ReadonlyMap<string, string>): InitialDocument[] {
  const common = vaultCommonName(vault);
  return [
    {
      unid: deriveUnid('vault-control', nameKey(vault.name)),
      form: Forms.VaultControl,
      items: {
        ControlVaultName: vault.name,
        ControlVaultServers: [...vault.servers],
        Servers: [...vault.servers],
        DesignTemplate: 'idvault.ntf',
        DesignVersion: String(vault.designVersion),
        Title: common,
      },
    },
    ...vault.servers.map((server) => ({
      unid: deriveUnid('vault-server', nameKey(vault.name), nameKey(server)),
      form: Forms.VaultServer,
      items: { ServerName: server, VaultOperationsKey: operationsKeys.get(nameKey(server)) ?? '' },
    })),
    ...vault.users.map((user) => ({ unid: vaultUserUnid(vault.name, user), form: Forms.VaultUser, items: newVaultUserItems(user) })),
  ];
}

/** A vault operations key as Domino shows it: `VO-abcd-efgh/<server>/<vault>`. */
export function newVaultOperationsKey(server: string, vault: VaultSpec): string {
  const letters = () => Array.from({ length: 4 }, () => String.fromCharCode(97 + randomInt(26))).join('');
  const serverCommon = parseName(server).common ?? server;
  return `VO-${letters()}-${letters()}/${serverCommon}/${vaultCommonName(vault)}`;
}

export function vaultCommonName(vault: VaultSpec): string {
  const name = parseName(vault.name);
  return name.units[0] ?? name.organization;
}

export function namesTitle(domain: string): string {
  return `${domain}'s Directory`;
}

export { NAMES_NSF };

function certifierDocument(certifier: DomainCertifier): InitialDocument {
  const info = readCertificate(certifier.certificatePem);
  return {
    unid: deriveUnid('certifier', nameKey(certifier.name)),
    form: Forms.Certifier,
    items: {
      CertificateType: CertificateTypes.NotesCertifier,
      IssuedBy: certifier.name,
      IssuedTo: certifier.name,
      Certificate: certifier.certificatePem,
      Issued: info.notBefore.toISOString(),
      Expiration: info.notAfter.toISOString(),
    },
  };
}

function vaultDirectoryDocuments(vault: VaultSpec, certifiers: readonly DomainCertifier[], now: Date, transportKeyPem: string): InitialDocument[] {
  const documents: InitialDocument[] = [
    {
      unid: deriveUnid('vault', nameKey(vault.name)),
      form: Forms.IdVault,
      items: {
        VaultName: vault.name,
        VaultDatabase: vault.database,
        Description: vault.description,
        Administrators: [...vault.administrators],
        Servers: [...vault.servers],
        AdministrationServer: [...vault.administrationServers],
        TrustedWebServers: [...vault.trustedWebServers],
        [VAULT_TRANSPORT_KEY_ITEM]: transportKeyPem,
      },
    },
  ];
  for (const setting of vault.securitySettings) {
    documents.push({
      unid: deriveUnid('security-settings', setting.toLowerCase()),
      form: Forms.SecuritySettings,
      items: { SettingName: setting, IDVaultName: vault.name },
    });
  }
  for (const trust of vault.trust) {
    const certifier = certifiers.find((candidate) => nameKey(candidate.name) === nameKey(trust.certifier));
    if (certifier === undefined) throw new Error(`no certifier was created for ${trust.certifier}`);
    const issuer = parseName(certifier.name);
    documents.push(
      buildTrustCertificate({ type: CertificateTypes.VaultTrust, issuer, issuerKey: certifier.privateKey, issuedTo: vault.name, issued: now }),
    );
    for (const authority of trust.passwordResetAuthorities) {
      documents.push(
        buildTrustCertificate({
          type: CertificateTypes.PasswordReset,
          issuer,
          issuerKey: certifier.privateKey,
          issuedTo: authority,
          vaultName: vault.name,
          issued: now,
        }),
      );
    }
  }
  return documents;
}
