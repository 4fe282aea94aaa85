import { ConsoleInputError, type ConsoleInputErrorCode, MAX_COMMAND_LENGTH, tokenize } from '@domsim/console';

function tokenizeError(line: string): ConsoleInputError {
  try {
    tokenize(line);
  } catch (error) {
    if (error instanceof ConsoleInputError) return error;
    throw error;
  }
  throw new Error(`tokenize accepted ${JSON.stringify(line)}`);
}

describe('tokenize', () => {
  it('splits at spaces and tabs', () => {
    const tokens = tokenize('  show \t idvault ');

    expect(tokens).toEqual([
      { text: 'show', start: 2, end: 6, quoted: false },
      { text: 'idvault', start: 9, end: 16, quoted: false },
    ]);
  });

  it('keeps spaces and slashes inside quotes', () => {
    const line = 'mfamgmt create trustcert "*/OU=east sales/O=mfatest1" cert.id pw';

    const tokens = tokenize(line);

    expect(tokens.map((token) => token.text)).toEqual(['mfamgmt', 'create', 'trustcert', '*/OU=east sales/O=mfatest1', 'cert.id', 'pw']);
    expect(tokens[3]).toEqual({ text: '*/OU=east sales/O=mfatest1', start: 25, end: 53, quoted: true });
    expect(line.slice(tokens[3].start, tokens[3].end)).toBe('"*/OU=east sales/O=mfatest1"');
  });

  it('reads an empty quoted argument', () => {
    const tokens = tokenize('help ""');

    expect(tokens[1]).toEqual({ text: '', start: 5, end: 7, quoted: true });
  });

  it.each([[''], ['   '], ['\t']])('returns no tokens for %j', (line) => {
    expect(tokenize(line)).toEqual([]);
  });

  it('accepts a line of the maximum length', () => {
    const line = `help ${'x'.repeat(MAX_COMMAND_LENGTH - 5)}`;

    const tokens = tokenize(line);

    expect(tokens).toHaveLength(2);
  });

  it.each<[string, string, ConsoleInputErrorCode, string]>([
    [
      'an unbalanced quote',
      'mfamgmt create trustcert "*/O=mfatest1',
      'UNBALANCED_QUOTE',
      'Missing closing double quote for the argument that starts at position 26',
    ],
    ['a lone quote', '"', 'UNBALANCED_QUOTE', 'Missing closing double quote for the argument that starts at position 1'],
    ['a quote inside a word', 'show id"vault"', 'UNEXPECTED_QUOTE', 'Unexpected double quote at position 8, inside an argument; quote the whole argument'],
    ['a quote ending a word', 'help show"', 'UNEXPECTED_QUOTE', 'Unexpected double quote at position 10, inside an argument; quote the whole argument'],
    [
      'text glued to a closing quote',
      'help "*/O=mfatest1"cert.id',
      'UNEXPECTED_QUOTE',
      'Unexpected text right after the closing double quote at position 19; separate arguments with spaces',
    ],
    ['two glued quoted words', '"a""b"', 'UNEXPECTED_QUOTE', 'Unexpected text right after the closing double quote at position 3; separate arguments with spaces'],
    ['a newline', 'show\nidvault', 'INVALID_CHARACTER', 'Command contains the control character U+000A at position 5; type the command again without it'],
    ['a NUL', 'show idvault\u0000', 'INVALID_CHARACTER', 'Command contains the control character U+0000 at position 13; type the command again without it'],
    ['an escape', '\u001b[Ashow', 'INVALID_CHARACTER', 'Command contains the control character U+001B at position 1; type the command again without it'],
    ['a carriage return', 'show idvault\r', 'INVALID_CHARACTER', 'Command contains the control character U+000D at position 13; type the command again without it'],
    ['a DEL', 'sh\u007fow', 'INVALID_CHARACTER', 'Command contains the control character U+007F at position 3; type the command again without it'],
    [
      'an over-long line',
      'x'.repeat(MAX_COMMAND_LENGTH + 1),
      'COMMAND_TOO_LONG',
      `Command is ${MAX_COMMAND_LENGTH + 1} characters long; the console accepts at most ${MAX_COMMAND_LENGTH}`,
    ],
  ])('rejects %s', (_label, line, code, message) => {
    const error = tokenizeError(line);

    expect(error.code).toBe(code);
    expect(error.message).toBe(message);
  });

  it('checks length before control characters', () => {
    const error = tokenizeError(`${'x'.repeat(MAX_COMMAND_LENGTH)}\n`);

    expect(error.code).toBe('COMMAND_TOO_LONG');
  });
});
