import { request as httpRequest } from 'node:http';

import { eventually, type StartedTestDomain, TestDomainBuilder } from '@domsim/testing';

jest.setTimeout(60_000);

const SERVER1 = 'server1/renovations';
const ADMIN = `Basic ${Buffer.from('renovations admin/renovations:admin-demo').toString('base64')}`;

interface Reply {
  readonly status: number;
  readonly type: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly text: string;
}

/**
 * Sends one request with node:http, which sends every header as given (fetch would add
 * its own). A body given as an array of strings is sent chunked, without Content-Length.
 */
function send(base: string, method: string, path: string, options: { headers?: Record<string, string>; body?: string | string[] } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const url = new URL(path, base);
    const headers: Record<string, string> = { ...options.headers };
    if (typeof options.body === 'string') headers['content-length'] = String(Buffer.byteLength(options.body));
    const request = httpRequest(url, { method, headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, type: response.headers['content-type'] ?? '', headers: response.headers, text: Buffer.concat(chunks).toString('utf8') }));
    });
    request.on('error', reject);
    if (Array.isArray(options.body)) for (const chunk of options.body) request.write(chunk);
    else if (options.body !== undefined) request.write(options.body);
    request.end();
  });
}

/** Returns the message of an error page of the web login, unescaped. */
function pageMessage(reply: Reply): string {
  const match = /<p id="message"[^>]*>([^<]*)<\/p>/.exec(reply.text);
  return match === null ? '' : match[1].replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

describe('HTTP request checks', () => {
  let domain: StartedTestDomain;
  let base: string;
  let host: string;
  let digest: () => Promise<string[]>;

  beforeAll(async () => {
    // A short lockout, so the console lockout test can wait for the unlock.
    domain = await new TestDomainBuilder().withServers(1).withEnvironment({ DOMSIM_LOCKOUT_MAX_TRIES: '3', DOMSIM_LOCKOUT_EXPIRATION_MINUTES: '0.05' }).start();
    base = await domain.httpUrlOf(SERVER1);
    host = new URL(base).host;
    digest = async () => (await domain.health(SERVER1)).replicas.map((replica) => replica.digest);
  });

  afterAll(async () => {
    await domain?.stop();
  });

  const consoleRequest = (headers: Record<string, string>, body: string | string[]) => send(base, 'POST', '/api/console', { headers: { authorization: ADMIN, ...headers }, body });

  describe('request bodies', () => {
    it('runs a well-formed console request', async () => {
      const reply = await consoleRequest({ 'content-type': 'application/json' }, JSON.stringify({ command: 'show server' }));

      expect(reply.status).toBe(200);
      expect(JSON.parse(reply.text).ok).toBe(true);
    });

    it.each([
      ['text/plain', { 'content-type': 'text/plain' }, 'unsupported media type: the request has Content-Type text/plain; send the body as application/json'],
      ['a form', { 'content-type': 'application/x-www-form-urlencoded' }, 'unsupported media type: the request has Content-Type application/x-www-form-urlencoded; send the body as application/json'],
      ['no Content-Type', {}, 'unsupported media type: the request has no Content-Type; send the body as application/json'],
    ])('answers 415 to %s on /api', async (_case, headers, message) => {
      const before = await digest();

      const reply = await consoleRequest(headers, JSON.stringify({ command: 'sim write 1' }));

      expect(reply.status).toBe(415);
      expect(reply.type).toContain('application/json');
      expect(JSON.parse(reply.text)).toEqual({ statusCode: 415, error: 'Unsupported Media Type', message });
      expect(await digest()).toEqual(before);
    });

    it('answers 400 to malformed JSON without quoting it', async () => {
      const reply = await consoleRequest({ 'content-type': 'application/json' }, '{"command": "mfamgmt create trustcert x cert.id hunter2"');

      expect(reply.status).toBe(400);
      const body = JSON.parse(reply.text);
      expect(body.message).toMatch(/^invalid JSON in the request body \(at position \d+\); send one JSON object, e\.g\. \{"command": "show server"\}$/);
      expect(reply.text).not.toContain('hunter2');
      expect(reply.text).not.toMatch(/at \w+ \(/);
    });

    it('answers 400 to a JSON value that is not an object', async () => {
      const reply = await consoleRequest({ 'content-type': 'application/json' }, '"show server"');

      expect(reply.status).toBe(400);
      expect(JSON.parse(reply.text).message).toContain('invalid JSON in the request body');
    });

    it('answers 413 with the limit to a large declared body', async () => {
      const reply = await consoleRequest({ 'content-type': 'application/json' }, JSON.stringify({ command: 'x'.repeat(70_000) }));

      expect(reply.status).toBe(413);
      expect(JSON.parse(reply.text)).toEqual({ statusCode: 413, error: 'Payload Too Large', message: 'request body too large: 70014 bytes, at most 65536; send only the fields the route takes' });
    });

    it('answers 413 with the limit to a large chunked body', async () => {
      const reply = await consoleRequest({ 'content-type': 'application/json' }, ['{"command": "', 'x'.repeat(40_000), 'x'.repeat(40_000), '"}']);

      expect(reply.status).toBe(413);
      expect(JSON.parse(reply.text).message).toBe('request body too large: more than 65536 bytes; send only the fields the route takes');
    });

    it('answers 415 to a JSON login form', async () => {
      const reply = await send(base, 'POST', '/login', { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'totp user/mfatest1', password: 'totp-demo' }) });

      expect(reply.status).toBe(415);
      expect(reply.type).toContain('text/html');
      expect(pageMessage(reply)).toBe(
        'The form was sent with Content-Type application/json; this page accepts only application/x-www-form-urlencoded, as a browser sends it. Reload the page and submit the form again',
      );
    });

    it('answers 413 to a large chunked form', async () => {
      const reply = await send(base, 'POST', '/login', { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: ['username=', 'a'.repeat(5_000), '&password=x'] });

      expect(reply.status).toBe(413);
      expect(pageMessage(reply)).toBe('The form is too large (more than 4096 bytes); send only the fields of the login form');
    });

    it('answers 413 to a form with too many fields', async () => {
      const body = Array.from({ length: 30 }, (_value, index) => `f${index}=1`).join('&');

      const reply = await send(base, 'POST', '/login', { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });

      expect(reply.status).toBe(413);
      expect(pageMessage(reply)).toBe('The form has more than 20 fields; send only the fields of the login form');
    });

    it('answers a bad query on /api/view with JSON', async () => {
      const reply = await send(base, 'GET', '/api/view?database=names.nsf&database=x&view=Certificates');

      expect(reply.status).toBe(400);
      expect(JSON.parse(reply.text)).toEqual({
        statusCode: 400,
        error: 'Bad Request',
        message: 'query parameters database and view are required, once each, e.g. /api/view?database=names.nsf&view=Certificates',
      });
    });
  });

  describe('origin rule', () => {
    it.each([['null'], ['http://evil.example'], ['http://127.0.0.1:1']])('rejects a console request from %s', async (origin) => {
      const before = await digest();

      const reply = await consoleRequest({ 'content-type': 'application/json', origin }, JSON.stringify({ command: 'sim write 1' }));

      expect(reply.status).toBe(403);
      expect(JSON.parse(reply.text)).toEqual({
        statusCode: 403,
        error: 'Forbidden',
        message: `cross-site request rejected: origin ${origin} is not this server (${host}); send the request from a page of this server, or from a client that sends no Origin header`,
      });
      expect(await digest()).toEqual(before);
    });

    it.each([['null'], ['http://evil.example']])('rejects a login post from %s', async (origin) => {
      const reply = await send(base, 'POST', '/login', { headers: { 'content-type': 'application/x-www-form-urlencoded', origin }, body: 'username=totp+user%2Fmfatest1&password=totp-demo' });

      expect(reply.status).toBe(403);
      expect(pageMessage(reply)).toBe(`The request came from ${origin}, not from a page of this server; open the login page of this server (/login) and try again`);
    });

    it('rejects a view request from a foreign origin', async () => {
      const reply = await send(base, 'GET', '/api/view?database=names.nsf&view=Certificates', { headers: { origin: 'http://evil.example' } });

      expect(reply.status).toBe(403);
      expect(JSON.parse(reply.text).message).toContain('cross-site request rejected: origin http://evil.example is not this server');
    });

    it('serves a view without an Origin', async () => {
      const reply = await send(base, 'GET', '/api/view?database=names.nsf&view=Certificates');

      expect(reply.status).toBe(200);
      expect(JSON.parse(reply.text).view).toBe('Certificates');
    });

    it('serves a view to a page of this server', async () => {
      const reply = await send(base, 'GET', '/api/view?database=names.nsf&view=Certificates', { headers: { origin: base } });

      expect(reply.status).toBe(200);
    });

    it('serves pages whose forms send their origin', async () => {
      const page = await send(base, 'GET', '/login');

      // Under no-referrer, browsers send Origin: null with the page's own form posts.
      expect(page.status).toBe(200);
      expect(page.headers['referrer-policy']).toBe('same-origin');
    });

    it('accepts a console request from this server', async () => {
      const reply = await consoleRequest({ 'content-type': 'application/json', origin: base }, JSON.stringify({ command: 'show server' }));

      expect(reply.status).toBe(200);
    });
  });

  describe('console lockout', () => {
    it('locks the administrator after wrong passwords', async () => {
      const wrong = `Basic ${Buffer.from('renovations admin/renovations:wrong').toString('base64')}`;
      const body = JSON.stringify({ command: 'show server' });

      const failures: Reply[] = [];
      for (let attempt = 0; attempt < 3; attempt += 1) failures.push(await consoleRequest({ 'content-type': 'application/json', authorization: wrong }, body));
      const right = await consoleRequest({ 'content-type': 'application/json' }, body);

      expect(failures.map((reply) => reply.status)).toEqual([401, 401, 403]);
      expect(right.status).toBe(403);
      expect(JSON.parse(right.text).message).toMatch(/^This account is temporarily locked after too many failed login attempts\. Try again in 1 minute/);
      await eventually(async () => expect((await consoleRequest({ 'content-type': 'application/json' }, body)).status).toBe(200), { description: 'the console after the lockout expired' });
    });
  });
});
