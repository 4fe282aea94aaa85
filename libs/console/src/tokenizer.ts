import { ConsoleInputError } from './errors';

/** One word of a console line. `start` and `end` are offsets in the line, quotes included. */
export interface Token {
  readonly text: string;
  readonly start: number;
  readonly end: number;
  readonly quoted: boolean;
}

export const MAX_COMMAND_LENGTH = 4096;

const CONTROL_CHARACTER = /[\u0000-\u0008\u000A-\u001F\u007F]/;

/**
 * Splits a console line into words at spaces and tabs. A double-quoted word may contain
 * spaces and slashes, as in `mfamgmt create trustcert "*` + `/O=mfatest1" ...`. Quotes
 * must open and close a whole word.
 *
 * @throws ConsoleInputError for an unbalanced or misplaced quote, a control character,
 * or a line longer than MAX_COMMAND_LENGTH. Messages give positions, never the text of the
 * line, because it may hold a password.
 */
export function tokenize(line: string): Token[] {
  if (line.length > MAX_COMMAND_LENGTH) {
    throw new ConsoleInputError('COMMAND_TOO_LONG', `Command is ${line.length} characters long; the console accepts at most ${MAX_COMMAND_LENGTH}`);
  }
  const control = CONTROL_CHARACTER.exec(line);
  if (control !== null) {
    const code = control[0].charCodeAt(0).toString(16).padStart(4, '0').toUpperCase();
    throw new ConsoleInputError('INVALID_CHARACTER', `Command contains the control character U+${code} at position ${control.index + 1}; type the command again without it`);
  }

  const tokens: Token[] = [];
  let index = 0;
  while (index < line.length) {
    const char = line[index];
    if (char === ' ' || char === '\t') {
      index += 1;
      continue;
    }
    const token = char === '"' ? readQuoted(line, index) : readPlain(line, index);
    tokens.push(token);
    index = token.end;
  }
  return tokens;
}

function readQuoted(line: string, start: number): Token {
  const close = line.indexOf('"', start + 1);
  if (close < 0) {
    throw new ConsoleInputError('UNBALANCED_QUOTE', `Missing closing double quote for the argument that starts at position ${start + 1}`);
  }
  const end = close + 1;
  if (end < line.length && line[end] !== ' ' && line[end] !== '\t') {
    throw new ConsoleInputError('UNEXPECTED_QUOTE', `Unexpected text right after the closing double quote at position ${end}; separate arguments with spaces`);
  }
  return { text: line.slice(start + 1, close), start, end, quoted: true };
}

function readPlain(line: string, start: number): Token {
  let end = start;
  while (end < line.length && line[end] !== ' ' && line[end] !== '\t') {
    if (line[end] === '"') {
      throw new ConsoleInputError('UNEXPECTED_QUOTE', `Unexpected double quote at position ${end + 1}, inside an argument; quote the whole argument`);
    }
    end += 1;
  }
  return { text: line.slice(start, end), start, end, quoted: false };
}
