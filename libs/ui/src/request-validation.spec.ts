import {
  checkHost,
  checkMethod,
  checkOrigin,
  parseJsonBody,
  requireBasicCredentials,
  UiRequestError,
  validateCommandRequest,
  validateEmptyRequest,
  validateFaultRequest,
} from './request-validation';
import { escapeControlCharacters } from './ui-logger';

const S1 = 'CN=server1/O=renovations';
const S2 = 'CN=server2/O=renovations';
const SERVERS = [S1, S2];
const ORIGINS = ['http://127.0.0.1:4000', 'http://localhost:4000'];

function rejection(action: () => unknown): UiRequestError {
  try {
    action();
  } catch (error) {
    if (error instanceof UiRequestError) return error;
    throw error;
  }
  throw new Error('expected a UiRequestError, but nothing was thrown');
}

describe('checkMethod', () => {
  it('accepts an allowed method', () => {
    expect(() => checkMethod('POST', ['POST'], '/api/console')).not.toThrow();
  });

  it('rejects another method with Allow', () => {
    const error = rejection(() => checkMethod('GET', ['POST'], '/api/console'));

    expect(error.status).toBe(405);
    expect(error.headers).toEqual({ Allow: 'POST' });
    expect(error.message).toBe('GET is not allowed on /api/console; use POST');
  });
});

describe('checkHost', () => {
  it('accepts its own address in any case', () => {
    expect(() => checkHost('LOCALHOST:4000', ['127.0.0.1:4000', 'localhost:4000'])).not.toThrow();
  });

  it.each([['evil.example:4000'], [undefined]])('rejects host %s', (host) => {
    const error = rejection(() => checkHost(host, ['127.0.0.1:4000']));

    expect(error.status).toBe(403);
    expect(error.code).toBe('FOREIGN_HOST');
    expect(error.message).toContain('open 127.0.0.1:4000 instead');
  });
});

describe('checkOrigin', () => {
  it('accepts its own origin', () => {
    expect(() => checkOrigin('http://localhost:4000', ORIGINS, true)).not.toThrow();
  });

  it('accepts no origin when not required', () => {
    expect(() => checkOrigin(undefined, ORIGINS, false)).not.toThrow();
  });

  it('rejects a missing required origin', () => {
    const error = rejection(() => checkOrigin(undefined, ORIGINS, true));

    expect(error.status).toBe(403);
    expect(error.code).toBe('MISSING_ORIGIN');
  });

  it.each([[true], [false]])('rejects a foreign origin (required %s)', (required) => {
    const error = rejection(() => checkOrigin('https://evil.example', ORIGINS, required));

    expect(error.status).toBe(403);
    expect(error.code).toBe('FOREIGN_ORIGIN');
    expect(error.message).toContain('"https://evil.example"');
  });
});

describe('parseJsonBody', () => {
  it('parses an object', () => {
    expect(parseJsonBody('application/json; charset=utf-8', '{"a":1}')).toEqual({ a: 1 });
  });

  it.each([
    ['text/plain', '{}', 415, 'UNSUPPORTED_MEDIA_TYPE'],
    [undefined, '{}', 415, 'UNSUPPORTED_MEDIA_TYPE'],
    ['application/json', '{"a":', 400, 'INVALID_JSON'],
    ['application/json', '[1]', 400, 'INVALID_JSON'],
    ['application/json', 'null', 400, 'INVALID_JSON'],
  ])('rejects %s body %j', (type, text, status, code) => {
    const error = rejection(() => parseJsonBody(type, text));

    expect(error.status).toBe(status);
    expect(error.code).toBe(code);
  });
});

describe('requireBasicCredentials', () => {
  const basic = (text: string) => `Basic ${Buffer.from(text).toString('base64')}`;

  it('returns the header', () => {
    expect(requireBasicCredentials(basic('renovations admin/renovations:admin-demo'))).toBe(basic('renovations admin/renovations:admin-demo'));
  });

  it.each([
    ['missing', undefined, 'MISSING_CREDENTIALS'],
    ['empty', '', 'MISSING_CREDENTIALS'],
    ['a bearer token', 'Bearer abc', 'INVALID_CREDENTIALS'],
    ['no colon', basic('admin'), 'INVALID_CREDENTIALS'],
    ['no name', basic(':password'), 'INVALID_CREDENTIALS'],
  ])('rejects %s', (_case, header, code) => {
    const error = rejection(() => requireBasicCredentials(header));

    expect(error.status).toBe(401);
    expect(error.code).toBe(code);
    expect(error.message).toContain('Internet password of an administrator');
  });
});

describe('validateCommandRequest', () => {
  it('resolves an abbreviated server name', () => {
    expect(validateCommandRequest({ server: 'server2/renovations', command: ' show idvault ' }, SERVERS)).toEqual({ server: S2, command: 'show idvault' });
  });

  it.each([
    ['an unknown server', { server: 'server9/renovations', command: 'show server' }, 'UNKNOWN_SERVER', 'server "server9/renovations" in "server" is not in this domain; its servers are server1/renovations, server2/renovations'],
    ['an invalid server name', { server: '/', command: 'show server' }, 'UNKNOWN_SERVER', 'server "/"'],
    ['no server', { command: 'show server' }, 'MISSING_SERVER', '"server" is missing'],
    ['no command', { server: S1 }, 'MISSING_COMMAND', '"command" is missing'],
    ['a blank command', { server: S1, command: '  ' }, 'MISSING_COMMAND', '"command" is missing'],
    ['a long command', { server: S1, command: 'x'.repeat(4097) }, 'COMMAND_TOO_LONG', '4097 characters'],
    ['an unknown field', { server: S1, command: 'show server', sudo: true }, 'UNKNOWN_FIELD', 'unknown field "sudo"'],
    ['a line feed', { server: S1, command: 'show tasks\nsim heal' }, 'INVALID_CHARACTER', 'control character U+000A at position 11'],
    ['a carriage return', { server: S1, command: 'show tasks\r' }, 'INVALID_CHARACTER', 'U+000D at position 11'],
    ['a NUL', { server: S1, command: 'show\u0000 tasks' }, 'INVALID_CHARACTER', 'U+0000 at position 5'],
    ['a tab', { server: S1, command: 'show\ttasks' }, 'INVALID_CHARACTER', 'U+0009 at position 5'],
    ['an escape sequence', { server: S1, command: 'show \u001b[2J' }, 'INVALID_CHARACTER', 'U+001B at position 6'],
    ['a C1 control', { server: S1, command: 'show \u0085tasks' }, 'INVALID_CHARACTER', 'U+0085 at position 6'],
    ['a line separator', { server: S1, command: 'show\u2028tasks' }, 'INVALID_CHARACTER', 'U+2028 at position 5'],
  ])('rejects %s', (_case, body, code, message) => {
    const error = rejection(() => validateCommandRequest(body, SERVERS));

    expect(error.status).toBe(400);
    expect(error.code).toBe(code);
    expect(error.message).toContain(message);
  });
});

describe('validateFaultRequest', () => {
  it('accepts servers and a fault', () => {
    expect(validateFaultRequest({ from: 'server1/renovations', to: '*', fault: 'latency  200ms drop 5%' }, SERVERS)).toEqual({ from: S1, to: '*', fault: 'latency 200ms drop 5%' });
  });

  it('accepts clear', () => {
    expect(validateFaultRequest({ from: '*', to: '*', fault: 'clear' }, SERVERS).fault).toBe('clear');
  });

  it.each([
    ['a bad fault word', { from: S1, to: S2, fault: 'slowness 5' }, 'INVALID_FAULT', 'invalid fault "slowness"'],
    ['a bad latency', { from: S1, to: S2, fault: 'latency fast' }, 'INVALID_FAULT', 'invalid fault'],
    ['an empty fault', { from: S1, to: S2, fault: '' }, 'INVALID_FAULT', 'invalid fault'],
    ['no fault', { from: S1, to: S2 }, 'INVALID_FAULT', '"fault" is missing'],
    ['an unknown server', { from: S1, to: 'server7/renovations', fault: 'partition' }, 'UNKNOWN_SERVER', 'server "server7/renovations" in "to"'],
    ['the same server twice', { from: S1, to: 'server1/renovations', fault: 'partition' }, 'SAME_SERVER', 'two different servers'],
  ])('rejects %s', (_case, body, code, message) => {
    const error = rejection(() => validateFaultRequest(body, SERVERS));

    expect(error.status).toBe(400);
    expect(error.code).toBe(code);
    expect(error.message).toContain(message);
  });
});

describe('validateEmptyRequest', () => {
  it('accepts an empty object', () => {
    expect(() => validateEmptyRequest({})).not.toThrow();
  });

  it('rejects a field', () => {
    expect(rejection(() => validateEmptyRequest({ force: true })).message).toBe('unknown field "force"; the request takes no fields');
  });
});

describe('escapeControlCharacters', () => {
  it('keeps a forged line on one line', () => {
    expect(escapeControlCharacters('Ran "show tasks\nsim heal" on server1')).toBe('Ran "show tasks\\u000a' + 'sim heal" on server1');
  });

  it('escapes NUL, escape and separators', () => {
    expect(escapeControlCharacters('a\u0000b\u001bc\u2028d')).toBe('a\\u0000b\\u001bc\\u2028d');
  });

  it('leaves printable text alone', () => {
    expect(escapeControlCharacters('Ran "show idvault" on server2/renovations: ok – äöü')).toBe('Ran "show idvault" on server2/renovations: ok – äöü');
  });
});
