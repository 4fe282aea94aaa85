import { distance } from 'fastest-levenshtein';

import type { CommandRegistry, CommandSpec } from './command-registry';
import { SECRET_MASK } from './command-registry';

/** A word of a console line, with its start and end offsets (quotes included). */
interface Word {
  readonly text: string;
  readonly start: number;
  readonly end: number;
}

/**
 * Returns the line with each secret argument (such as the password of `mfamgmt create
 * trustcert`) replaced by asterisks, for echoing and logging. Nothing else is masked.
 *
 * A line that names a command with a secret but does not match its syntax (a missing or
 * extra argument, a mistyped keyword, an unbalanced quote) still has its secret masked:
 * every word that can be the secret is. That is the words from where the secret would
 * start, counted from the front, to where it would end, counted from the back. A password
 * of two unquoted words, or one moved left by a forgotten argument, is masked that way.
 */
export function maskSecrets(line: string, registry: CommandRegistry<CommandSpec>): string {
  const words = splitWords(line);
  if (words.length === 0) return line;

  const spec = commandWithSecret(words, registry);
  if (spec === undefined) return line;

  const keywords = typedKeywords(words, spec);
  const masked = new Set<number>();
  spec.arguments.forEach((argument, index) => {
    if (argument.secret !== true) return;
    const fromFront = spec.keywords.length + index;
    const fromBack = words.length - (spec.arguments.length - index);
    const first = Math.max(keywords, Math.min(fromFront, fromBack));
    const last = Math.min(words.length - 1, Math.max(fromFront, fromBack));
    for (let position = first; position <= last; position += 1) masked.add(position);
  });
  return replaceWords(line, words, masked);
}

/** Edits (Levenshtein distance) within which a first word is taken for a mistyped keyword. */
const MAX_TYPO_DISTANCE = 2;

/**
 * Finds the command with a secret that the line names or seems to name. A line names it
 * with its keywords, typed or shortened as the console accepts them. It seems to name it
 * when the first word is a prefix or a near miss of the command's first keyword.
 */
function commandWithSecret(words: readonly Word[], registry: CommandRegistry<CommandSpec>): CommandSpec | undefined {
  const guessed = registry.guess(words.map((word) => ({ text: word.text, start: word.start, end: word.end, quoted: false })));
  if (guessed !== undefined) return hasSecret(guessed) ? guessed : undefined;

  const first = words[0].text.toLowerCase();
  return registry
    .all()
    .filter(hasSecret)
    .find((spec) => {
      const keyword = spec.keywords[0];
      return keyword.startsWith(first) || first.startsWith(keyword.slice(0, 3)) || distance(first, keyword) <= MAX_TYPO_DISTANCE;
    });
}

/**
 * Counts the leading words that are the command's keywords, which are never masked: the
 * first word (typed, shortened or mistyped), then each word that is a prefix of the next keyword.
 */
function typedKeywords(words: readonly Word[], spec: CommandSpec): number {
  let count = 1;
  while (count < spec.keywords.length && count < words.length && spec.keywords[count].startsWith(words[count].text.toLowerCase())) count += 1;
  return count;
}

function hasSecret(spec: CommandSpec): boolean {
  return spec.arguments.some((argument) => argument.secret === true);
}

/**
 * Splits a line into words as the tokenizer does, but without its errors: an unclosed quote
 * runs to the end of the line, and text glued to quotes stays in the same word.
 */
function splitWords(line: string): Word[] {
  const words: Word[] = [];
  let index = 0;
  while (index < line.length) {
    if (isSpace(line[index])) {
      index += 1;
      continue;
    }
    const start = index;
    if (line[index] === '"') {
      const close = line.indexOf('"', index + 1);
      index = close < 0 ? line.length : close + 1;
    }
    while (index < line.length && !isSpace(line[index])) index += 1;
    words.push({ text: line.slice(start, index).replace(/^"|"$/g, ''), start, end: index });
  }
  return words;
}

function isSpace(char: string): boolean {
  return char === ' ' || char === '\t';
}

function replaceWords(line: string, words: readonly Word[], positions: ReadonlySet<number>): string {
  let masked = '';
  let cursor = 0;
  words.forEach((word, index) => {
    if (!positions.has(index)) return;
    masked += line.slice(cursor, word.start) + SECRET_MASK;
    cursor = word.end;
  });
  return masked + line.slice(cursor);
}
