import { MAX_TIMEOUT_SECONDS, parseClusterSize, parseDirectory, parseNatsUrls, parsePositiveInteger, parseTimeout } from './option-parsers';

describe('parseTimeout', () => {
  it.each([
    ['30', 30],
    ['30s', 30],
    ['500ms', 0.5],
    ['2m', 120],
    ['1.5s', 1.5],
    ['60m', 3600],
  ])('reads %s', (value, seconds) => {
    expect(parseTimeout(value)).toBe(seconds);
  });

  it.each([
    ['0', 'is not positive'],
    ['0s', 'is not positive'],
    ['-5', 'is not a time'],
    ['abc', 'is not a time'],
    ['10h', 'is not a time'],
    ['', 'is not a time'],
    ['61m', 'is longer than the maximum'],
    ['1e9', 'is not a time'],
  ])('rejects %s', (value, reason) => {
    expect(() => parseTimeout(value)).toThrow(`"${value}" ${reason}`);
    expect(() => parseTimeout(value)).toThrow(`at most ${MAX_TIMEOUT_SECONDS / 60}m`);
  });
});

describe('parseNatsUrls', () => {
  it.each(['nats://127.0.0.1:4222', 'tls://nats.example.com:4443', 'nats://localhost', 'tls://[::1]:4222'])('accepts %s', (url) => {
    expect(parseNatsUrls(url)).toBe(url);
  });

  it('accepts and trims a list of cluster nodes', () => {
    expect(parseNatsUrls('nats://a:4222, nats://b:4222')).toBe('nats://a:4222,nats://b:4222');
  });

  it.each([
    ['http://127.0.0.1:4222', 'has the scheme http: instead of nats: or tls:'],
    ['127.0.0.1:4222', 'has no scheme'],
    ['nats://:4222', 'has no host'],
    ['nats://', 'has no host'],
    ['nats://host:0', 'has the port "0"'],
    ['nats://host:99999', 'has the port "99999"'],
    ['nats://host:abc', 'has the port "abc"'],
    ['nats://host:4222/path', 'has the path /path'],
    ['', 'is empty'],
  ])('rejects %s', (url, reason) => {
    expect(() => parseNatsUrls(url)).toThrow(`"${url}" ${reason}`);
    expect(() => parseNatsUrls(url)).toThrow('e.g. nats://127.0.0.1:4222');
  });

  it('rejects a login in the URL without repeating it', () => {
    const parse = () => parseNatsUrls('nats://user:s3cret@host:4222');

    expect(parse).toThrow('"nats://***@host:4222" contains a NATS login');
    expect(parse).toThrow('DOMSIM_NATS_USER and DOMSIM_NATS_PASSWORD');
    expect(parse).not.toThrow(/s3cret/);
  });

  it('names the bad node of a list', () => {
    expect(() => parseNatsUrls('nats://a:4222,nats://b:70000')).toThrow('"nats://b:70000" has the port "70000"');
  });
});

describe('count options', () => {
  it.each(['0', '10', '2.5', 'x'])('cluster size rejects %s', (value) => {
    expect(() => parseClusterSize(value)).toThrow(`"${value}" is not a node count from 1 to 9`);
  });

  it.each(['0', '-1', '1.5', '1e3', ' '])('positive integer rejects %s', (value) => {
    expect(() => parsePositiveInteger(value)).toThrow(`"${value}" is not a whole number from 1`);
  });
});

describe('parseDirectory', () => {
  it.each(['', '   '])('rejects %j', (value) => {
    expect(() => parseDirectory(value)).toThrow('the directory is empty; give a path such as ./domain');
  });

  it('keeps a path as given', () => {
    expect(parseDirectory('./domain')).toBe('./domain');
  });
});
