import { DOMINO_COMMANDS, syntaxOf } from '@domsim/console';
import { type StartedTestDomain, TestDomainBuilder } from '@domsim/testing';

const SERVER = 'server1/renovations';
const COUNT = Number(process.env.DOMSIM_FUZZ_COUNT ?? 2_000);
const SEED = Number(process.env.DOMSIM_FUZZ_SEED ?? 20261204);

jest.setTimeout(300_000);

/** mulberry32: a small seeded generator, so a failing run can be replayed with DOMSIM_FUZZ_SEED. */
function generator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const CORPUS = [
  ...DOMINO_COMMANDS.map(syntaxOf),
  'show idvault',
  'sh idv',
  'SH TA',
  'show stat Replica.*',
  'help mfamgmt',
  'mfamgmt create trustcert "*/O=mfatest1" cert.id fuzz-wrong',
  'mfamgmt create trustcert "*/OU=a b/O=mfatest1" cert.id fuzz-wrong',
  'mfamgmt create trustcert "*/O=renovations" renovations-cert.id fuzz-wrong',
  'sim show replicas',
];
const ALPHABET = ' \t"\'*/=\\.,;:-_?!<>[]{}()#$%&|~`^@+0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZéü中\u0000\u0007\u001b\u007f';

function fuzzLine(random: () => number): string {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const char = () => pick([...ALPHABET]);
  if (random() < 0.25) {
    return Array.from({ length: Math.floor(random() * 120) }, char).join('');
  }
  let line = pick(CORPUS);
  const edits = 1 + Math.floor(random() * 4);
  for (let i = 0; i < edits; i += 1) {
    const at = Math.floor(random() * (line.length + 1));
    const kind = random();
    if (kind < 0.3) line = line.slice(0, at) + char() + line.slice(at);
    else if (kind < 0.55) line = line.slice(0, at) + line.slice(at + 1);
    else if (kind < 0.7) line = line.slice(0, at) + '"' + line.slice(at);
    else if (kind < 0.8) line = line.slice(0, at);
    else if (kind < 0.9) line = `${line} ${pick(CORPUS)}`;
    else line = line.repeat(1 + Math.floor(random() * 40));
  }
  return line;
}

describe('console fuzzing', () => {
  let domain: StartedTestDomain;

  beforeAll(async () => {
    domain = await new TestDomainBuilder().start();
  });

  afterAll(async () => {
    await domain?.stop();
  });

  it(`answers ${COUNT} random command lines without changing state (seed ${SEED})`, async () => {
    const random = generator(SEED);
    const before = await domain.health(SERVER);
    const failures: string[] = [];

    for (let i = 0; i < COUNT; i += 1) {
      const line = fuzzLine(random);
      try {
        const reply = await domain.command(SERVER, line);
        if (typeof reply.ok !== 'boolean' || reply.lines.length === 0) failures.push(`#${i} ${JSON.stringify(line)}: empty reply`);
        if (reply.code === 'INTERNAL_ERROR') failures.push(`#${i} ${JSON.stringify(line)}: ${reply.lines.join(' ')}`);
      } catch (error) {
        failures.push(`#${i} ${JSON.stringify(line)}: ${(error as Error).message}`);
      }
    }

    const after = await domain.health(SERVER);
    expect({ seed: SEED, failures: failures.slice(0, 20) }).toEqual({ seed: SEED, failures: [] });
    expect(after.pid).toBe(before.pid);
    expect(after.replicas).toEqual(before.replicas);
  });

  it('answers raw requests that are not JSON or not a console request', async () => {
    const subject = domain.client.subjects.console(SERVER);
    const bodies = ['not json', '{"pattern":1}', '[]', '{"pattern":"x","data":{"command":5},"id":"1"}', `{"pattern":"x","data":{"command":"${'a'.repeat(20_000)}"},"id":"2"}`];

    const replies = [];
    for (const body of bodies) {
      const reply = await domain.client.connection.request(subject, Buffer.from(body), { timeout: 2_000 });
      replies.push((JSON.parse(Buffer.from(reply.data).toString()) as { response: { ok: boolean; code: string } }).response);
    }

    expect(replies).toEqual(bodies.map(() => expect.objectContaining({ ok: false, code: 'INVALID_REQUEST' })));
    expect((await domain.health(SERVER)).status).toBe('ok');
  });
});
