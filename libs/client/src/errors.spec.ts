import { ServerUnreachableError } from './errors';

describe('ServerUnreachableError', () => {
  it('abbreviates the server name', () => {
    const timedOut = new ServerUnreachableError('CN=server3/O=renovations', 'timeout', 2_000);
    const silent = new ServerUnreachableError('CN=server3/O=renovations', 'no responders', 2_000);

    expect(timedOut.message).toBe('server server3/renovations did not answer within 2000 ms; it may be busy or stopping');
    expect(silent.message).toBe('server server3/renovations is not connected to NATS; start the domain with domsim up, or check the server name');
    expect(timedOut.server).toBe('CN=server3/O=renovations');
  });

  it('keeps a name it cannot parse', () => {
    const error = new ServerUnreachableError('CN=', 'timeout', 500);

    expect(error.message).toBe('server CN= did not answer within 500 ms; it may be busy or stopping');
  });
});
