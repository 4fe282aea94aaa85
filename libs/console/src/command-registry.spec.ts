import { CommandRegistry, type CommandSpec, ConsoleInputError, type ConsoleInputErrorCode, DOMINO_COMMANDS, dominoCommandRegistry, syntaxOf, tokenize } from '@domsim/console';

const MFA_SYNTAX = 'mfamgmt create trustcert <OU or O to allow> <certifier ID file> <certifier password>';
/** The words that may follow `show`, as the console lists them. */
const SHOW_OPTIONS = [...new Set(DOMINO_COMMANDS.filter((spec) => spec.keywords[0] === 'show').map((spec) => spec.keywords[1]))].sort().join(', ');

function resolveError(line: string, registry: CommandRegistry = dominoCommandRegistry()): ConsoleInputError {
  try {
    registry.resolve(line);
  } catch (error) {
    if (error instanceof ConsoleInputError) return error;
    throw error;
  }
  throw new Error(`resolve accepted ${JSON.stringify(line)}`);
}

describe('CommandRegistry.resolve', () => {
  it.each([
    ['show idvault', 'show-idvault'],
    ['sh idv', 'show-idvault'],
    ['SH IDVAULT', 'show-idvault'],
    ['Show IDVault', 'show-idvault'],
    ['sh i', 'show-idvault'],
    ['sh ser', 'show-server'],
    ['sh ta', 'show-tasks'],
    ['sh st', 'show-stat'],
    ['help', 'help'],
    ['h', 'help'],
    ['  show\tidvault  ', 'show-idvault'],
  ])('resolves %j', (line, id) => {
    const command = dominoCommandRegistry().resolve(line);

    expect(command.spec.id).toBe(id);
  });

  it('binds mfamgmt arguments by name', () => {
    const command = dominoCommandRegistry().resolve('mfa cr tr "*/O=mfatest1" cert.id "pass word"');

    expect(command.spec.id).toBe('mfamgmt-create-trustcert');
    expect(command.args).toEqual({ 'OU or O to allow': '*/O=mfatest1', 'certifier ID file': 'cert.id', 'certifier password': 'pass word' });
  });

  it('leaves an optional argument absent', () => {
    const command = dominoCommandRegistry().resolve('help');

    expect(command.args).toEqual({});
  });

  it('binds an optional argument', () => {
    const command = dominoCommandRegistry().resolve('help show');

    expect(command.args).toEqual({ command: 'show' });
  });

  it.each<[string, ConsoleInputErrorCode, string]>([
    ['', 'EMPTY_COMMAND', 'No command given; type help to list the commands'],
    ['   ', 'EMPTY_COMMAND', 'No command given; type help to list the commands'],
    ['shutdown', 'UNKNOWN_COMMAND', 'Unknown command: shutdown; type help to list the commands'],
    ['show foo', 'UNKNOWN_COMMAND', `Unknown command: show foo; after show type one of: ${SHOW_OPTIONS}`],
    ['"show" idvault', 'UNKNOWN_COMMAND', 'Unknown command: show; type help to list the commands'],
    ['mfamgmt "create" trustcert', 'UNKNOWN_COMMAND', 'Unknown command: mfamgmt create; after mfamgmt type one of: create'],
    ['show', 'MISSING_ARGUMENT', `Incomplete command: show; continue with one of: ${SHOW_OPTIONS}`],
    ['sh s', 'AMBIGUOUS_COMMAND', 'Ambiguous command: sh s could be sh schedule, sh server, sh stat; type more letters'],
    ['mfamgmt create', 'MISSING_ARGUMENT', 'Incomplete command: mfamgmt create; continue with one of: trustcert'],
    ['mfamgmt create trustcert', 'MISSING_ARGUMENT', `Missing argument <OU or O to allow>. Syntax: ${MFA_SYNTAX}`],
    ['mfamgmt create trustcert "*/O=mfatest1" cert.id', 'MISSING_ARGUMENT', `Missing argument <certifier password>. Syntax: ${MFA_SYNTAX}`],
    ['show idvault extra', 'TOO_MANY_ARGUMENTS', 'Too many arguments (1 given, at most 0), starting at "extra". Syntax: show idvault; quote an argument that contains spaces'],
    ['help show idvault', 'TOO_MANY_ARGUMENTS', 'Too many arguments (2 given, at most 1), starting at "idvault". Syntax: help [command]; quote an argument that contains spaces'],
    [
      'mfamgmt create trustcert "*/O=mfatest1" cert.id pw extra',
      'TOO_MANY_ARGUMENTS',
      `Too many arguments (4 given, at most 3). Syntax: ${MFA_SYNTAX}; quote an argument that contains spaces`,
    ],
  ])('rejects %j', (line, code, message) => {
    const error = resolveError(line);

    expect(error.code).toBe(code);
    expect(error.message).toBe(message);
  });

  it.each([
    ['an unbalanced quote on the pattern', 'mfamgmt create trustcert "*/O=mfatest1 cert.id Tiger42'],
    ['an unbalanced quote on the password', 'mfamgmt create trustcert "*/O=mfatest1" cert.id "Tiger42'],
    ['text glued to the pattern', 'mfamgmt create trustcert "*/O=mfatest1"cert.id Tiger42'],
    ['a quote inside the password', 'mfamgmt create trustcert "*/O=mfatest1" cert.id Tiger42"'],
    ['an unquoted pattern with a space', 'mfamgmt create trustcert */O=mfa test1 cert.id Tiger42'],
    ['a control character', 'mfamgmt create trustcert "*/O=mfatest1" cert.id Tiger42\u0007'],
  ])('keeps the password out of the error for %s', (_label, line) => {
    const error = resolveError(line);

    expect(error.message).not.toContain('Tiger42');
  });
});

describe('CommandRegistry with shared prefixes', () => {
  const specs: CommandSpec[] = [
    { keywords: ['show', 'server'], arguments: [], summary: 'server' },
    { keywords: ['show', 'stats'], arguments: [{ name: 'name', optional: true }], summary: 'stats' },
    { keywords: ['show'], arguments: [{ name: 'topic', optional: true }], summary: 'show a topic' },
  ];
  const registry = (): CommandRegistry => specs.reduce((result, spec) => result.register(spec), new CommandRegistry());

  it('reports an ambiguous prefix', () => {
    const error = resolveError('sh s', registry());

    expect(error.code).toBe('AMBIGUOUS_COMMAND');
    expect(error.message).toBe('Ambiguous command: sh s could be sh server, sh stats; type more letters');
  });

  it('prefers an exact keyword', () => {
    const command = registry().resolve('show stats');

    expect(command.spec.summary).toBe('stats');
  });

  it('falls back to the shorter command', () => {
    const command = registry().resolve('show memory');

    expect(command.spec.summary).toBe('show a topic');
    expect(command.args).toEqual({ topic: 'memory' });
  });

  it('resolves the shorter command alone', () => {
    const command = registry().resolve('show');

    expect(command.spec.summary).toBe('show a topic');
    expect(command.args).toEqual({});
  });
});

describe('CommandRegistry.guess', () => {
  it.each([
    ['mfa', 'mfamgmt-create-trustcert'],
    ['mfamgmt create trustcrt', 'mfamgmt-create-trustcert'],
    ['sh idv', 'show-idvault'],
    ['sh', undefined],
    ['shutdown now', undefined],
  ])('guesses %j as %s', (line, id) => {
    const spec = dominoCommandRegistry().guess(tokenize(line));

    expect(spec?.id).toBe(id);
  });
});

describe('syntaxOf', () => {
  it.each([
    ['mfamgmt', MFA_SYNTAX],
    ['help', 'help [command]'],
    ['show idvault', 'show idvault'],
  ])('formats %s', (line, syntax) => {
    const spec = dominoCommandRegistry().guess(tokenize(line));

    expect(spec).toBeDefined();
    expect(syntaxOf(spec as CommandSpec)).toBe(syntax);
  });
});
