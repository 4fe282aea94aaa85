import { environmentFromArguments } from './server-arguments';
import { InvalidEnvironmentError, readServerEnvironment, SERVER_ENVIRONMENT_VARIABLES } from './server-config';

const REQUIRED = { DOMSIM_DATA_DIR: '/srv/domsim/server1', DOMSIM_NATS_URL: 'nats://127.0.0.1:4222' };

describe('readServerEnvironment', () => {
  it('applies the defaults', () => {
    const environment = readServerEnvironment(REQUIRED);

    expect(environment).toMatchObject({ ...REQUIRED, DOMSIM_HTTP_HOST: '127.0.0.1', DOMSIM_LOG_LEVEL: 'info', DOMSIM_HEARTBEAT_MS: 2000 });
    expect(environment).toMatchObject({ DOMSIM_LOCKOUT_MAX_TRIES: 5, DOMSIM_LOCKOUT_INTERVAL_MINUTES: 60, DOMSIM_LOCKOUT_EXPIRATION_MINUTES: 15 });
    expect(environment.DOMSIM_HTTP_PORT).toBeUndefined();
  });

  it('accepts several NATS URLs', () => {
    expect(readServerEnvironment({ ...REQUIRED, DOMSIM_NATS_URL: 'nats://a:4222, nats://b:4222,tls://c:4222' }).DOMSIM_NATS_URL).toContain('tls://c:4222');
  });

  it.each([
    ['DOMSIM_HTTP_PORT', '99999', 'DOMSIM_HTTP_PORT="99999": must be a TCP port, 0-65535'],
    ['DOMSIM_HTTP_PORT', '80x', 'DOMSIM_HTTP_PORT="80x": must be a TCP port number, 0-65535 (0 picks a free port)'],
    ['DOMSIM_HTTP_HOST', '', 'DOMSIM_HTTP_HOST="": must be an address to listen on'],
    ['DOMSIM_LOG_LEVEL', 'verbose', 'DOMSIM_LOG_LEVEL="verbose": must be one of fatal, error, warn, info, debug, trace'],
    ['DOMSIM_HEARTBEAT_MS', '10', 'DOMSIM_HEARTBEAT_MS="10": must be at least 50 ms'],
    ['DOMSIM_HEARTBEAT_MS', 'soon', 'DOMSIM_HEARTBEAT_MS="soon": must be a number of milliseconds, e.g. 2000'],
    ['DOMSIM_NATS_URL', 'http://nats:4222', 'DOMSIM_NATS_URL="http://nats:4222": must be one or more nats:// URLs separated by commas'],
    ['DOMSIM_LOCKOUT_MAX_TRIES', '-1', 'DOMSIM_LOCKOUT_MAX_TRIES="-1": must be at least 0 (0 turns the lockout off)'],
    ['DOMSIM_LOCKOUT_MAX_TRIES', '2.5', 'DOMSIM_LOCKOUT_MAX_TRIES="2.5": must be a whole number'],
    ['DOMSIM_LOCKOUT_INTERVAL_MINUTES', '0', 'DOMSIM_LOCKOUT_INTERVAL_MINUTES="0": must be a positive number of minutes, e.g. 60 or 0.5'],
    ['DOMSIM_LOCKOUT_EXPIRATION_MINUTES', 'later', 'DOMSIM_LOCKOUT_EXPIRATION_MINUTES="later": must be a number of minutes, e.g. 15 or 0.1'],
  ])('rejects %s=%p', (variable, value, message) => {
    const read = () => readServerEnvironment({ ...REQUIRED, [variable]: value });

    expect(read).toThrow(InvalidEnvironmentError);
    expect(read).toThrow(message);
  });

  it('names every missing variable', () => {
    const read = () => readServerEnvironment({});

    expect(read).toThrow('  DOMSIM_DATA_DIR: is required: the server data directory that holds server.json');
    expect(read).toThrow('  DOMSIM_NATS_URL: is required: the NATS server to connect to, e.g. nats://127.0.0.1:4222');
  });

  it('lists the variables it reads', () => {
    expect(SERVER_ENVIRONMENT_VARIABLES).toEqual(expect.arrayContaining(['DOMSIM_DATA_DIR', 'DOMSIM_NATS_URL', 'DOMSIM_HTTP_HOST', 'DOMSIM_HTTP_PORT', 'DOMSIM_LOG_LEVEL', 'DOMSIM_HEARTBEAT_MS']));
    expect(SERVER_ENVIRONMENT_VARIABLES.every((variable) => variable.startsWith('DOMSIM_'))).toBe(true);
  });
});

describe('environmentFromArguments', () => {
  it('maps --data and --nats, with or without =', () => {
    expect(environmentFromArguments(['--data', '/d', '--nats=nats://n:4222'])).toEqual({ DOMSIM_DATA_DIR: '/d', DOMSIM_NATS_URL: 'nats://n:4222' });
  });

  it('rejects an unknown option', () => {
    expect(() => environmentFromArguments(['--port', '80'])).toThrow('unknown argument --port; the server accepts --data DIR and --nats URL, or the DOMSIM_* environment variables');
  });

  it('rejects an option without a value', () => {
    expect(() => environmentFromArguments(['--data'])).toThrow('--data needs a value');
  });
});
