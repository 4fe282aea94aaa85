import { distance } from 'fastest-levenshtein';

import type { CommandRegistry, CommandSpec } from './command-registry';
import { SECRET_MASK } from './command-registry';
import { ConsoleInputError } from './errors';
import { type Token, tokenize } from './tokenizer';

/**
 * Returns the line with every secret argument replaced by asterisks, for echoing and
 * logging. When a line might name a command with secrets but does not match its syntax
 * exactly (a missing argument, a typo in a keyword, an unbalanced quote), every word
 * after the command's keywords is masked, so a misplaced password never shows either.
 */
export function maskSecrets(line: string, registry: CommandRegistry<CommandSpec>): string {
  let tokens: Token[];
  try {
    tokens = tokenize(line);
  } catch (error) {
    if (!(error instanceof ConsoleInputError)) throw error;
    return maskUnparsed(line, registry);
  }
  if (tokens.length === 0) return line;

  const spec = registry.guess(tokens);
  if (spec === undefined || !hasSecret(spec)) {
    return spec === undefined && mightHoldSecret(tokens[0].text, registry) ? maskFrom(line, tokens, 1) : line;
  }

  const keywordsMatch = spec.keywords.every((keyword, index) => index < tokens.length && keyword.startsWith(tokens[index].text.toLowerCase()));
  if (!keywordsMatch) return maskFrom(line, tokens, 1);
  if (tokens.length - spec.keywords.length !== spec.arguments.length) return maskFrom(line, tokens, spec.keywords.length);

  const secretIndexes = new Set(spec.arguments.flatMap((arg, index) => (arg.secret === true ? [spec.keywords.length + index] : [])));
  return replaceTokens(line, tokens, secretIndexes);
}

function hasSecret(spec: CommandSpec): boolean {
  return spec.arguments.some((arg) => arg.secret === true);
}

/** Edits (Levenshtein distance) within which a first word is taken for a mistyped keyword. */
const MAX_TYPO_DISTANCE = 3;

/** True when the first word could be a shortened or mistyped command that takes a secret. */
function mightHoldSecret(firstWord: string, registry: CommandRegistry<CommandSpec>): boolean {
  const word = firstWord.toLowerCase();
  return registry
    .all()
    .filter(hasSecret)
    .some((spec) => {
      const keyword = spec.keywords[0];
      return keyword.startsWith(word) || word.startsWith(keyword.slice(0, 3)) || distance(word, keyword) <= MAX_TYPO_DISTANCE;
    });
}

function maskFrom(line: string, tokens: readonly Token[], first: number): string {
  const indexes = new Set(tokens.map((_token, index) => index).filter((index) => index >= first));
  return replaceTokens(line, tokens, indexes);
}

function replaceTokens(line: string, tokens: readonly Token[], indexes: ReadonlySet<number>): string {
  let masked = '';
  let cursor = 0;
  tokens.forEach((token, index) => {
    if (!indexes.has(index)) return;
    masked += line.slice(cursor, token.start) + SECRET_MASK;
    cursor = token.end;
  });
  return masked + line.slice(cursor);
}

function maskUnparsed(line: string, registry: CommandRegistry<CommandSpec>): string {
  const match = /^\s*(\S+)/.exec(line);
  if (match === null || !mightHoldSecret(match[1], registry)) return line;
  return `${match[0]} ${SECRET_MASK}`;
}
