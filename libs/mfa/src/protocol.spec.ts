import { TotpError } from './errors';
import { MAX_REQUEST_AGE_MS, openTotpReply, openTotpRequest, sealTotpReply, sealTotpRequest, totpErrorReply, type TotpOperation } from './protocol';
import { newVaultKeyFile, parseVaultKeyFile } from './vault-key';

const NOW = new Date('2026-05-01T12:00:00.000Z');
const file = newVaultKeyFile('O=renovationsvault');
const KEY = parseVaultKeyFile(file.text);
const OPERATION: TotpOperation = { operation: 'verify', user: 'CN=totp user/O=mfatest1', code: '12345678' };
const ENVELOPE = { webServer: 'CN=server3/O=renovations', vault: 'O=renovationsvault', now: NOW };

function rejection(action: () => unknown): TotpError | undefined {
  try {
    action();
  } catch (error) {
    if (error instanceof TotpError) return error;
    throw error;
  }
  return undefined;
}

describe('totp protocol', () => {
  it('round-trips an operation and its result', () => {
    const { request, replyPrivateKey } = sealTotpRequest(file.transportPublicKeyPem, ENVELOPE, OPERATION);

    const opened = openTotpRequest(KEY, JSON.parse(JSON.stringify(request)), NOW);
    const reply = sealTotpReply(opened.request, { operation: 'verify', method: 'scratch-code', scratchCodesLeft: 9 });
    const result = openTotpReply(replyPrivateKey, request.requestId, JSON.parse(JSON.stringify(reply)));

    expect(opened.operation).toEqual(OPERATION);
    expect(result).toEqual({ operation: 'verify', method: 'scratch-code', scratchCodesLeft: 9 });
  });

  it('keeps the operation out of the clear fields', () => {
    const { request } = sealTotpRequest(file.transportPublicKeyPem, ENVELOPE, OPERATION);

    expect(JSON.stringify(request)).not.toContain('12345678');
    expect(JSON.stringify(request)).not.toContain('totp user');
  });

  it.each([
    ['a message that is not an object', () => 'hello', 'invalid TOTP request: message'],
    ['a missing field', (request: Record<string, unknown>) => ({ ...request, sealed: undefined }), 'invalid TOTP request: sealed'],
    ['an extra field', (request: Record<string, unknown>) => ({ ...request, admin: true }), 'invalid TOTP request'],
    ['another web server in the envelope', (request: Record<string, unknown>) => ({ ...request, webServer: 'CN=server2/O=renovations' }), 'cannot be opened'],
    ['an old request', (request: Record<string, unknown>) => ({ ...request, sentAt: NOW.getTime() - MAX_REQUEST_AGE_MS - 1 }), 'away from the vault server'],
  ])('rejects %s', (_case, change, message) => {
    const { request } = sealTotpRequest(file.transportPublicKeyPem, ENVELOPE, OPERATION);

    const error = rejection(() => openTotpRequest(KEY, change(request as unknown as Record<string, unknown>), NOW));

    expect(error?.code).toBe('INVALID_REQUEST');
    expect(error?.message).toContain(message);
  });

  it('rejects a request sealed for another vault key', () => {
    const other = newVaultKeyFile('O=renovationsvault');
    const { request } = sealTotpRequest(other.transportPublicKeyPem, ENVELOPE, OPERATION);

    expect(rejection(() => openTotpRequest(KEY, request, NOW))?.message).toContain('sealed for another key');
  });

  it('rejects a sealed operation of the wrong shape', () => {
    const { request } = sealTotpRequest(file.transportPublicKeyPem, ENVELOPE, { operation: 'delete-everything', user: 'x' } as unknown as TotpOperation);

    expect(rejection(() => openTotpRequest(KEY, request, NOW))?.message).toContain('invalid TOTP request: operation');
  });

  it('turns an error reply into the vault error', () => {
    const { request, replyPrivateKey } = sealTotpRequest(file.transportPublicKeyPem, ENVELOPE, OPERATION);

    const error = rejection(() => openTotpReply(replyPrivateKey, request.requestId, totpErrorReply(new TotpError('MFA_NOT_ENABLED', 'MFA is not enabled'))));

    expect(error?.code).toBe('MFA_NOT_ENABLED');
    expect(error?.message).toBe('MFA is not enabled');
  });

  it('rejects a reply for another request', () => {
    const first = sealTotpRequest(file.transportPublicKeyPem, ENVELOPE, OPERATION);
    const second = sealTotpRequest(file.transportPublicKeyPem, ENVELOPE, OPERATION);
    const reply = sealTotpReply(openTotpRequest(KEY, first.request, NOW).request, { operation: 'reset-scratch-codes', scratchCodes: [] });

    expect(rejection(() => openTotpReply(first.replyPrivateKey, second.request.requestId, reply))?.code).toBe('INVALID_REQUEST');
  });
});
