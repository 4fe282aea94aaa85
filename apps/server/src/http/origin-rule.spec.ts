import { foreignOriginOf, isSameOrigin } from './origin-rule';

const HOST = '127.0.0.1:40123';

describe('foreignOriginOf', () => {
  it.each([
    ['POST', '/login', 'null'],
    ['POST', '/login', 'http://evil.example'],
    ['POST', '/login', 'http://127.0.0.1:40124'],
    ['POST', '/api/console', 'http://localhost:40123'],
    ['POST', '/logout', 'not a url'],
    ['PUT', '/totp/devices/add', 'https://evil.example'],
    ['DELETE', '/api/console', 'null'],
    ['GET', '/api/view', 'null'],
    ['GET', '/api/view', 'http://evil.example'],
    ['GET', '/api', 'http://evil.example'],
    ['POST', '/login', 'file:///etc/passwd'],
  ])('rejects %s %s from %j', (method, path, origin) => {
    expect(foreignOriginOf({ method, path, origin, host: HOST })).toEqual({ origin });
  });

  it.each([
    ['POST', '/login', undefined],
    ['POST', '/login', `http://${HOST}`],
    ['POST', '/api/console', `https://${HOST}`],
    ['GET', '/api/view', undefined],
    ['GET', '/api/view', `http://${HOST}`],
    ['GET', '/login', 'http://evil.example'],
    ['GET', '/metrics', 'null'],
    ['HEAD', '/health', 'http://evil.example'],
    ['GET', '/apiary', 'http://evil.example'],
  ])('lets %s %s from %j pass', (method, path, origin) => {
    expect(foreignOriginOf({ method, path, origin, host: HOST })).toBeUndefined();
  });

  it('rejects an Origin when the Host header is missing', () => {
    expect(foreignOriginOf({ method: 'POST', path: '/login', origin: `http://${HOST}`, host: undefined })).toEqual({ origin: `http://${HOST}` });
  });
});

describe('isSameOrigin', () => {
  it.each([
    ['http://example.test', 'example.test:80', true],
    ['http://EXAMPLE.test:8080', 'example.test:8080', true],
    ['http://example.test:8080', 'example.test:8081', false],
    ['http://example.test.evil.example', 'example.test', false],
    ['http://[::1]:8080', '[::1]:8080', true],
  ])('compares %j with Host %j', (origin, host, same) => {
    expect(isSameOrigin(origin, host)).toBe(same);
  });
});
