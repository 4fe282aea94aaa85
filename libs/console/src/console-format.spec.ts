import { consolePrefix, type ConsoleThread, DOMINO_COMMANDS, echoLine, formatConsoleLines, formatConsoleTime, helpLines, syntaxOf } from '@domsim/console';

const THREAD: ConsoleThread = { pid: 3411, virtualThread: 2, osThread: 0x7f50a6c5e740n };
// Local time, as Domino prints it, so the expected text does not depend on the time zone.
const TIME = new Date(2026, 3, 12, 19, 46, 18);

describe('consolePrefix', () => {
  it('formats pid, threads and local time', () => {
    expect(consolePrefix(THREAD, TIME)).toBe('[003411:000002-00007F50A6C5E740] 04/12/2026 19:46:18');
  });

  it('keeps wide values whole', () => {
    const prefix = consolePrefix({ pid: 4194304, virtualThread: 1234567, osThread: 0xffffffffffffffffn }, TIME);

    expect(prefix).toBe('[4194304:1234567-FFFFFFFFFFFFFFFF] 04/12/2026 19:46:18');
  });
});

describe('formatConsoleTime', () => {
  it.each([
    [new Date(2026, 0, 5, 3, 4, 5), '01/05/2026 03:04:05'],
    [new Date(2026, 11, 31, 23, 59, 59), '12/31/2026 23:59:59'],
    [new Date(2026, 5, 1, 0, 0, 0), '06/01/2026 00:00:00'],
  ])('formats %s', (time, text) => {
    expect(formatConsoleTime(time)).toBe(text);
  });
});

describe('formatConsoleLines', () => {
  it('shares one prefix across lines', () => {
    const lines = formatConsoleLines(['ID Vault /renovationsvault', 'Vault Name: /renovationsvault'], THREAD, TIME);

    expect(lines).toEqual([
      '[003411:000002-00007F50A6C5E740] 04/12/2026 19:46:18   ID Vault /renovationsvault',
      '[003411:000002-00007F50A6C5E740] 04/12/2026 19:46:18   Vault Name: /renovationsvault',
    ]);
  });

  it('matches the Linux console format', () => {
    const [line] = formatConsoleLines(['MFA Trust created successfully'], { pid: 17, virtualThread: 9, osThread: 0xabcn }, new Date());

    expect(line).toMatch(/^\[\d{6}:\d{6}-[0-9A-F]{16}\] \d{2}\/\d{2}\/\d{4} \d{2}:\d{2}:\d{2} {3}MFA Trust created successfully$/);
  });

  it('returns no lines for no text', () => {
    expect(formatConsoleLines([], THREAD, TIME)).toEqual([]);
  });
});

describe('echoLine', () => {
  it('prefixes the typed command', () => {
    expect(echoLine('sh idv')).toBe('> sh idv');
  });
});

describe('helpLines', () => {
  it('lists commands sorted by syntax', () => {
    const lines = helpLines(DOMINO_COMMANDS);

    const syntaxes = lines.slice(1).map((line) => line.split('  ')[0].trim());
    expect(lines[0]).toBe('Commands (keywords may be shortened, e.g. sh idv):');
    expect(syntaxes).toEqual([...syntaxes].sort((a, b) => a.localeCompare(b)));
    expect(new Set(syntaxes)).toEqual(new Set(DOMINO_COMMANDS.map(syntaxOf)));
    expect(syntaxes).toContain('mfamgmt create trustcert <OU or O to allow> <certifier ID file> <certifier password>');
    expect(syntaxes).toContain('show idvault');
  });

  it('marks simulator-only commands', () => {
    const lines = helpLines([{ keywords: ['sim', 'partition'], arguments: [], summary: 'Cut a server off', simulatorOnly: true }]);

    expect(lines[1]).toBe('sim partition  Cut a server off  [simulator only]');
  });
});
