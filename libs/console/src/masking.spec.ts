import { dominoCommandRegistry, maskSecrets, MAX_COMMAND_LENGTH } from '@domsim/console';

const registry = dominoCommandRegistry();

describe('maskSecrets', () => {
  it.each([
    ['mfamgmt create trustcert "*/O=mfatest1" cert.id secret', 'mfamgmt create trustcert "*/O=mfatest1" cert.id ********'],
    ['mfamgmt create trustcert "*/O=mfatest1" cert.id "two words"', 'mfamgmt create trustcert "*/O=mfatest1" cert.id ********'],
    ['mfa cr tr "*/O=mfatest1" cert.id secret', 'mfa cr tr "*/O=mfatest1" cert.id ********'],
    ['MFAMGMT CREATE TRUSTCERT "*/O=mfatest1" cert.id secret', 'MFAMGMT CREATE TRUSTCERT "*/O=mfatest1" cert.id ********'],
    ['mfamgmt create trustcert "*/O=mfatest1" cert.id secret  ', 'mfamgmt create trustcert "*/O=mfatest1" cert.id ********  '],
    ['"mfamgmt" create trustcert "*/OU=hr/O=mfatest1" hr.id secret', '"mfamgmt" create trustcert "*/OU=hr/O=mfatest1" hr.id ********'],
    // A forgotten argument moves the password left: only the last word can be it.
    ['mfamgmt create trustcert cert.id secret', 'mfamgmt create trustcert cert.id ********'],
    ['mfamgmt trustcert "*/O=mfatest1" cert.id secret', 'mfamgmt trustcert "*/O=mfatest1" cert.id ********'],
    // An extra word may be the second half of an unquoted password.
    ['mfamgmt create trustcert "*/O=mfatest1" cert.id two words', 'mfamgmt create trustcert "*/O=mfatest1" cert.id ******** ********'],
    ['mfamgmt create trustcert */O=mfa test1 cert.id secret', 'mfamgmt create trustcert */O=mfa test1 ******** ********'],
    // A mistyped keyword leaves the arguments where they were.
    ['mfamgmt create trustcrt "*/O=mfatest1" cert.id secret', 'mfamgmt create trustcrt "*/O=mfatest1" cert.id ********'],
    ['mfamgnt create trustcert "*/O=mfatest1" cert.id secret', 'mfamgnt create trustcert "*/O=mfatest1" cert.id ********'],
    // An unclosed quote runs to the end of the line, so the password is inside that word.
    ['mfamgmt create trustcert "*/O=mfatest1" cert.id "secret', 'mfamgmt create trustcert "*/O=mfatest1" cert.id ********'],
    ['mfamgmt create trustcert "*/O=mfatest1 cert.id secret', 'mfamgmt create trustcert ********'],
    ['mfamgmt create trustcert "*/O=mfatest1"cert.id secret', 'mfamgmt create trustcert "*/O=mfatest1"cert.id ********'],
    ['mfamgmt create trustcert "*/O=mfatest1" cert.id sec"ret"', 'mfamgmt create trustcert "*/O=mfatest1" cert.id ********'],
    // The password is not given: the word where it would be is masked.
    ['mfamgmt create trustcert "*/O=mfatest1" cert.id', 'mfamgmt create trustcert "*/O=mfatest1" ********'],
  ])('masks %j', (line, masked) => {
    expect(maskSecrets(line, registry)).toBe(masked);
  });

  it.each([
    ['show idvault'],
    ['sh idv'],
    ['help mfamgmt'],
    ['help mfamgmt create trustcert'],
    ['shutdown now'],
    [''],
    ['show "idvault'],
    ['mfamgmt'],
    ['mfamgmt create trustcert'],
    ['sim totp reset "totp user/mfatest1"'],
    ['replicate server1/renovations names.nsf'],
    ['sim fault * server2/renovations latency 100ms'],
    ['show stat Replica.Cluster.*'],
    ['mgmt list all'],
    ['tell http show security'],
  ])('leaves %j as typed', (line) => {
    expect(maskSecrets(line, registry)).toBe(line);
  });

  it.each([
    ['the exact syntax', 'mfamgmt create trustcert "*/O=mfatest1" cert.id secret'],
    ['a missing argument', 'mfamgmt create trustcert cert.id secret'],
    ['a missing keyword', 'mfamgmt trustcert "*/O=mfatest1" cert.id secret'],
    ['an extra argument', 'mfamgmt create trustcert "*/O=mfatest1" cert.id secret extra'],
    ['an unquoted pattern with a space', 'mfamgmt create trustcert */O=mfa test1 cert.id secret'],
    ['a keyword typo', 'mfamgmt create trustcrt "*/O=mfatest1" cert.id secret'],
    ['a typo in the first keyword', 'mfamgnt create trustcert "*/O=mfatest1" cert.id secret'],
    ['a first keyword missing a letter', 'mfmgmt create trustcert "*/O=mfatest1" cert.id secret'],
    ['shortened keywords', 'mfa cr tr "*/O=mfatest1" cert.id secret'],
    ['a quoted keyword', '"mfamgmt" create trustcert "*/O=mfatest1" cert.id secret'],
    ['leading spaces', '   mfamgmt create trustcert "*/O=mfatest1" cert.id secret'],
    ['an unbalanced quote', 'mfamgmt create trustcert "*/O=mfatest1 cert.id secret'],
    ['an unbalanced quote on the password', 'mfamgmt create trustcert "*/O=mfatest1" cert.id "secret'],
    ['text glued to a closing quote', 'mfamgmt create trustcert "*/O=mfatest1"cert.id secret'],
    ['a quote inside the password', 'mfamgmt create trustcert "*/O=mfatest1" cert.id sec"ret"'],
    ['a control character', 'mfamgmt create trustcert "*/O=mfatest1" cert.id secret\u0007'],
    ['an over-long line', `mfamgmt create trustcert "*/O=mfatest1" cert.id secret ${'x'.repeat(MAX_COMMAND_LENGTH)}`],
  ])('hides the password with %s', (_label, line) => {
    const masked = maskSecrets(line, registry);

    expect(masked).not.toContain('secret');
    expect(masked).not.toContain('sec"ret');
    expect(masked).toContain('********');
  });
});
