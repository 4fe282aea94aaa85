export { createDomain, type CreateDomainOptions, DOMAIN_FILE, DOMAIN_LOCK_FILE, DomainDirectoryError, type DomainManifest, readDomainManifest } from './create-domain';
export { InvalidTopologyError, type TopologyProblem } from './errors';
export { buildNamesDocuments, buildVaultDocuments, type DomainCertifier, type InitialDocument, namesTitle } from './initial-directory';
export { defaultTopologyPath, loadTopology, packageRoot, parseTopology } from './load-topology';
export { INITIAL_DOCUMENTS_FILE, type InitialDocuments, type ReplicaSetup, SERVER_SETUP_FILE, type ServerSetup, serverSetupSchema } from './server-setup';
export type { ClusterSpec, ConnectionSpec, OrganizationSpec, PersonSpec, ServerSpec, Topology, VaultSpec } from './topology';
export { type TopologyFile, topologyFileSchema } from './schema';
