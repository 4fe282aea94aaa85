import { generateKeyPairSync, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { connect, type NatsConnection } from 'nats';

import type { HealthReply } from '@domsim/client';
import { eventually, type StartedTestDomain, TestDomainBuilder } from '@domsim/testing';

import { textOf } from './support/console-text';

jest.setTimeout(120_000);

const SERVER1 = 'CN=server1/O=renovations';
const SERVER2 = 'CN=server2/O=renovations';
const SERVERS = [SERVER1, SERVER2, 'CN=server3/O=renovations'];

type Payload = { raw: string } | { rawRepeat: { prefix: string; repeat: string; count: number; suffix: string } } | Record<string, unknown>;
interface HostileCase {
  readonly kind: string;
  readonly subject: string;
  readonly payload: Payload;
  readonly note: string;
}

const corpus = JSON.parse(readFileSync(join(__dirname, 'corpus', 'hostile-messages.json'), 'utf8')) as { cases: HostileCase[] };
const consoleCorpus = JSON.parse(readFileSync(join(__dirname, 'corpus', 'hostile-console.json'), 'utf8')) as { lines: string[] };

const REQUEST_SUBJECTS = new Set(['{pull}', '{accept}', '{vectorOf}', '{pullFromMe}', '{console}', '{view}', '{notes}', '{health}', '{faultsRequest}']);

describe('hostile input', () => {
  let domain: StartedTestDomain;
  let attacker: NatsConnection;
  let replicaId: string;
  let before: HealthReply[];

  const state = async () => Promise.all(SERVERS.map((server) => domain.health(server)));
  const snapshot = (replies: HealthReply[]) => replies.map((reply) => ({ server: reply.server, pid: reply.pid, replicas: reply.replicas }));

  beforeAll(async () => {
    domain = await new TestDomainBuilder().start();
    attacker = await connect({ servers: domain.natsUrl, name: 'attacker' });
    before = await state();
    replicaId = before[0].replicas.find((replica) => replica.path === 'names.nsf')?.replicaId as string;
  });

  afterAll(async () => {
    await attacker?.drain();
    await domain?.stop();
  });

  function subjectOf(template: string): string {
    const subjects = domain.client.subjects;
    const map: Record<string, string> = {
      '{push}': subjects.push(replicaId),
      '{vector}': subjects.vector(replicaId),
      '{faults}': subjects.faults(),
      '{faultsRequest}': subjects.faultsRequest(),
      '{pull}': subjects.pull(SERVER1),
      '{accept}': subjects.accept(SERVER1),
      '{vectorOf}': subjects.vectorOf(SERVER1),
      '{pullFromMe}': subjects.pullFromMe(SERVER1),
      '{console}': subjects.console(SERVER1),
      '{view}': subjects.view(SERVER1),
      '{notes}': subjects.notes(SERVER1),
      '{health}': subjects.health(SERVER1),
    };
    return map[template];
  }

  function bytesOf(payload: Payload): Uint8Array {
    if ('raw' in payload && typeof payload.raw === 'string') return Buffer.from(payload.raw);
    if ('rawRepeat' in payload) {
      const { prefix, repeat, count, suffix } = (payload as { rawRepeat: { prefix: string; repeat: string; count: number; suffix: string } }).rawRepeat;
      return Buffer.from(prefix + repeat.repeat(count) + suffix);
    }
    return Buffer.from(JSON.stringify(payload).replaceAll('{replicaId}', replicaId));
  }

  async function send(subject: string, data: Uint8Array): Promise<void> {
    if (REQUEST_SUBJECTS.has(subject)) {
      await attacker.request(subjectOf(subject), data, { timeout: 250 }).catch(() => undefined);
    } else {
      attacker.publish(subjectOf(subject), data);
    }
  }

  it(`rejects the ${corpus.cases.length} messages of the corpus without a state change`, async () => {
    expect(corpus.cases.length).toBeGreaterThanOrEqual(200);

    for (const hostile of corpus.cases) await send(hostile.subject, bytesOf(hostile.payload));
    await attacker.flush();

    expect(snapshot(await state())).toEqual(snapshot(before));
  });

  it('ignores replays of events the servers already hold', async () => {
    const reply = await attacker.request(subjectOf('{pull}'), Buffer.from(JSON.stringify({ v: 1, from: SERVER2, replicaId, vector: {}, limit: 100 })), { timeout: 2_000 });
    const { revisions } = JSON.parse(Buffer.from(reply.data).toString()) as { revisions: unknown[] };
    expect(revisions.length).toBeGreaterThan(5);

    attacker.publish(subjectOf('{push}'), Buffer.from(JSON.stringify({ v: 1, from: SERVER1, replicaId, revisions })));
    await attacker.request(domain.client.subjects.accept(SERVER2), Buffer.from(JSON.stringify({ v: 1, from: SERVER1, replicaId, revisions })), { timeout: 2_000 });
    await attacker.flush();

    expect(snapshot(await state())).toEqual(snapshot(before));
  });

  it('rejects a trust certificate signed with a forged key', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const items = {
      CertificateType: 'Multi-Factor Authentication Certificate',
      IssuedBy: 'O=mfatest1',
      IssuedTo: 'O=renovationsvault',
      AllowedPattern: '*/O=mfatest1',
      Issued: new Date().toISOString(),
      Expiration: new Date(Date.now() + 1e10).toISOString(),
      SignatureAlgorithm: 'RSA-SHA256',
    };
    const sorted = JSON.stringify(Object.fromEntries(Object.entries(items).sort(([a], [b]) => a.localeCompare(b))));
    const Signature = sign('sha256', Buffer.from(sorted), privateKey).toString('base64');
    const counter = (before[0].replicas[0].vector[SERVER1] ?? 0) + 1;
    const forged = { replicaId, unid: 'F'.repeat(32), originator: SERVER1, counter, seq: 1, seqTime: Date.now(), parent: null, deleted: false, form: 'Certificate', items: { ...items, Signature } };

    attacker.publish(subjectOf('{push}'), Buffer.from(JSON.stringify({ v: 1, from: SERVER1, replicaId, revisions: [forged] })));
    await attacker.request(domain.client.subjects.accept(SERVER2), Buffer.from(JSON.stringify({ v: 1, from: SERVER1, replicaId, revisions: [forged] })), { timeout: 2_000 });
    await attacker.flush();

    expect(snapshot(await state())).toEqual(snapshot(before));
    const idvault = textOf((await domain.command(SERVER2, 'show idvault')).lines);
    expect(idvault).not.toContain('/mfatest1 trusts /mfatest1 for MFA');
  });

  it(`answers ${consoleCorpus.lines.length} hostile console lines without a state change`, async () => {
    for (const line of consoleCorpus.lines) {
      const reply = await domain.command(SERVER1, line);
      expect(reply.lines.length).toBeGreaterThan(0);
      expect(reply.code).not.toBe('INTERNAL_ERROR');
    }

    const after = await state();
    expect(after.map((reply) => reply.pid)).toEqual(before.map((reply) => reply.pid));
    expect(after.map((reply) => reply.replicas.map((replica) => replica.digest))).toEqual(before.map((reply) => reply.replicas.map((replica) => replica.digest)));
  });

  it('counts what it rejected and keeps serving', async () => {
    const stats = textOf((await domain.command(SERVER2, 'show stat Domsim.Replication')).lines);
    const value = (name: string) => Number(stats.find((line) => line.startsWith(`${name} = `))?.split(' = ')[1]);

    expect(value('Domsim.Replication.Messages.Rejected')).toBeGreaterThan(0);
    expect(value('Domsim.Replication.Revisions.Rejected')).toBeGreaterThan(0);
    const trust = await domain.command(SERVER1, 'mfamgmt create trustcert "*/O=mfatest1" cert.id mfatest1-demo');
    expect(trust.ok).toBe(true);
    await eventually(async () => expect(textOf((await domain.command(SERVER2, 'show idvault')).lines)).toContain('/mfatest1 trusts /mfatest1 for MFA'));
  });

  it('logs each kind of rejection once, not once per message', () => {
    const log = readFileSync(join(domain.dataDirOf(SERVER1), 'domsim-server.log'), 'utf8');
    const rejections = log.split('\n').filter((line) => line.includes('Rejected'));

    expect(rejections.length).toBeGreaterThan(0);
    expect(rejections.length).toBeLessThan(40);
  });
});
