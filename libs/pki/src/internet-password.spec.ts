import { hashInternetPassword, verifyInternetPassword } from '@domsim/pki';

describe('Internet password hash', () => {
  it('verifies the password it was made from', () => {
    const hash = hashInternetPassword('web-demo');

    expect(verifyInternetPassword('web-demo', hash)).toBe(true);
    expect(hash).not.toContain('web-demo');
  });

  it('rejects another password', () => {
    expect(verifyInternetPassword('Web-demo', hashInternetPassword('web-demo'))).toBe(false);
  });

  it('salts every hash', () => {
    expect(hashInternetPassword('same')).not.toBe(hashInternetPassword('same'));
  });

  it.each([['', 'empty'], ['plain-text', 'no scheme'], ['scrypt:16384:8:1:c2FsdA==', 'missing hash'], ['scrypt:99999999:8:1:c2FsdA==:aGFzaA==', 'cost too high']])(
    'rejects a malformed hash (%s: %s)',
    (stored) => {
      expect(verifyInternetPassword('x', stored)).toBe(false);
    },
  );
});
