import { dominoCommandRegistry, generateConsoleKeyPair, SECRET_MASK, sealCommand, unsealCommand } from '@domsim/console';

const registry = dominoCommandRegistry();
const COMMAND = 'mfamgmt create trustcert "*/O=mfatest1" cert.id Tiger42';

describe('sealCommand', () => {
  const server = generateConsoleKeyPair();

  it('masks the password and seals it', () => {
    const sealed = sealCommand(COMMAND, registry, server.publicKeyPem);

    expect(sealed.command).toBe(`mfamgmt create trustcert "*/O=mfatest1" cert.id ${SECRET_MASK}`);
    expect(JSON.stringify(sealed)).not.toContain('Tiger42');
    expect(sealed.secrets).toHaveLength(1);
  });

  it('round-trips through unsealCommand', () => {
    const sealed = sealCommand(COMMAND, registry, server.publicKeyPem);

    expect(unsealCommand(sealed, server.privateKeyPem)).toBe(COMMAND);
  });

  it('quotes a password with spaces', () => {
    const sealed = sealCommand('mfamgmt create trustcert "*/O=mfatest1" cert.id "two words"', registry, server.publicKeyPem);

    expect(unsealCommand(sealed, server.privateKeyPem)).toBe('mfamgmt create trustcert "*/O=mfatest1" cert.id "two words"');
  });

  it('sends a line with a syntax error masked and without secrets', () => {
    const sealed = sealCommand('mfamgmt create trustcert cert.id Tiger42', registry, server.publicKeyPem);

    expect(sealed.secrets).toBeUndefined();
    expect(sealed.command).not.toContain('Tiger42');
  });

  it('leaves a command without secrets as it is', () => {
    expect(sealCommand('show idvault', registry, server.publicKeyPem)).toEqual({ command: 'show idvault' });
  });

  it('cannot be opened with another server key', () => {
    const sealed = sealCommand(COMMAND, registry, server.publicKeyPem);
    const other = generateConsoleKeyPair();

    expect(() => unsealCommand(sealed, other.privateKeyPem)).toThrow(expect.objectContaining({ code: 'INVALID_SECRET' }));
  });

  it('rejects a secret bound to a word that is not masked', () => {
    const sealed = sealCommand(COMMAND, registry, server.publicKeyPem);
    const moved = { command: sealed.command, secrets: sealed.secrets?.map((secret) => ({ ...secret, token: 4 })) };

    expect(() => unsealCommand(moved, server.privateKeyPem)).toThrow(expect.objectContaining({ code: 'INVALID_SECRET' }));
  });
});
