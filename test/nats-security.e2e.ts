import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import forge from 'node-forge';
import { connect, nkeyAuthenticator, nkeys } from 'nats';

import { findFreePort, spawnServerProcess, startNatsServer, type StartedNatsServer, terminate } from '@domsim/launcher';
import { DomainSubjects } from '@domsim/replication';
import { eventually } from '@domsim/testing';
import { createDomain, defaultTopologyPath, loadTopology } from '@domsim/topology';

jest.setTimeout(60_000);

/** A CA and a certificate for 127.0.0.1 that it signed, as PEM. */
function certificates(): { ca: string; cert: string; key: string } {
  const issue = (subject: string, publicKey: forge.pki.PublicKey, signer: forge.pki.rsa.PrivateKey, issuer: forge.pki.CertificateField[], ca: boolean) => {
    const certificate = forge.pki.createCertificate();
    certificate.publicKey = publicKey;
    certificate.serialNumber = `01${randomUUID().replace(/-/g, '')}`;
    certificate.validity.notBefore = new Date(Date.now() - 60_000);
    certificate.validity.notAfter = new Date(Date.now() + 86_400_000);
    certificate.setSubject([{ name: 'commonName', value: subject }]);
    certificate.setIssuer(issuer);
    certificate.setExtensions(ca ? [{ name: 'basicConstraints', cA: true }] : [{ name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }, { type: 2, value: 'localhost' }] }]);
    certificate.sign(signer, forge.md.sha256.create());
    return certificate;
  };
  const caKeys = forge.pki.rsa.generateKeyPair(1024);
  const ca = issue('domsim test CA', caKeys.publicKey, caKeys.privateKey, [{ name: 'commonName', value: 'domsim test CA' }], true);
  const serverKeys = forge.pki.rsa.generateKeyPair(1024);
  const cert = issue('127.0.0.1', serverKeys.publicKey, caKeys.privateKey, ca.subject.attributes, false);
  return { ca: forge.pki.certificateToPem(ca), cert: forge.pki.certificateToPem(cert), key: forge.pki.privateKeyToPem(serverKeys.privateKey) };
}

describe('NATS over TLS with an NKey login', () => {
  let directory: string;
  let nats: StartedNatsServer | undefined;
  let serverPid = 0;

  beforeAll(() => {
    directory = mkdtempSync(join(tmpdir(), 'domsim-tls-'));
  });

  afterAll(async () => {
    if (serverPid > 0) await terminate(serverPid, 5_000);
    await nats?.stop();
    rmSync(directory, { recursive: true, force: true });
  });

  it('serves the console to clients that present the NKey over TLS', async () => {
    const pem = certificates();
    for (const [file, text] of Object.entries({ 'ca.pem': pem.ca, 'cert.pem': pem.cert, 'key.pem': pem.key })) writeFileSync(join(directory, file), text, { mode: 0o600 });
    const user = nkeys.createUser();
    const seed = new TextDecoder().decode(user.getSeed());
    writeFileSync(join(directory, 'server.nk'), seed, { mode: 0o600 });
    const port = await findFreePort();
    const config = join(directory, 'nats.conf');
    writeFileSync(
      config,
      `tls {\n  cert_file: ${JSON.stringify(join(directory, 'cert.pem'))}\n  key_file: ${JSON.stringify(join(directory, 'key.pem'))}\n}\nauthorization {\n  users: [ { nkey: ${user.getPublicKey()} } ]\n}\n`,
    );
    nats = await startNatsServer({ port, logFile: join(directory, 'nats.log'), extraArguments: ['-c', config] });
    const manifest = createDomain(loadTopology(defaultTopologyPath()), join(directory, 'domain'), { topologySource: 'test' });
    const dataDir = join(directory, 'domain', manifest.servers[0].dataDir);

    const child = spawnServerProcess({
      dataDir,
      natsUrl: `tls://127.0.0.1:${port}`,
      stdio: ['ignore', 'ignore', 'pipe'],
      environment: { DOMSIM_NATS_CA_FILE: join(directory, 'ca.pem'), DOMSIM_NATS_NKEY_SEED_FILE: join(directory, 'server.nk') },
    });
    serverPid = child.pid ?? 0;
    const client = await connect({ servers: `tls://127.0.0.1:${port}`, tls: { caFile: join(directory, 'ca.pem') }, authenticator: nkeyAuthenticator(user.getSeed()) });
    const anonymous = await connect({ servers: `tls://127.0.0.1:${port}`, tls: { caFile: join(directory, 'ca.pem') }, maxReconnectAttempts: 0 }).then(
      (connection) => connection.close().then(() => 'connected'),
      (error: Error) => error.message,
    );
    const plain = await connect({ servers: `nats://127.0.0.1:${port}`, authenticator: nkeyAuthenticator(user.getSeed()), maxReconnectAttempts: 0 }).then(
      (connection) => connection.close().then(() => 'connected'),
      (error: Error) => error.message,
    );
    try {
      const subject = new DomainSubjects(manifest.domain).health(manifest.servers[0].name);
      const reply = await eventually(
        async () => JSON.parse(new TextDecoder().decode((await client.request(subject, JSON.stringify({ pattern: subject, data: {}, id: '1' }), { timeout: 1_000 })).data)) as { response: { status: string } },
        { timeoutMs: 30_000, description: 'server1 to answer over TLS' },
      );

      expect(reply.response.status).toBe('ok');
      expect(anonymous).toMatch(/Authorization Violation/i);
      expect(plain).not.toBe('connected');
    } finally {
      await client.close();
    }
  });
});
