import { ConsoleInputError } from './errors';
import { type Token, tokenize } from './tokenizer';

export interface ArgumentSpec {
  readonly name: string;
  readonly optional?: boolean;
  /** A secret is never echoed, logged or stored; the console shows asterisks in its place. */
  readonly secret?: boolean;
  /** The last argument only: it takes every remaining word, joined by single spaces. */
  readonly rest?: boolean;
}

/** A console command: its keywords, its arguments and how help describes it. */
export interface CommandSpec {
  readonly keywords: readonly string[];
  readonly arguments: readonly ArgumentSpec[];
  readonly summary: string;
  /** True for commands that real Domino does not have; they all start with `sim`. */
  readonly simulatorOnly?: boolean;
}

export interface ResolvedCommand<S extends CommandSpec = CommandSpec> {
  readonly spec: S;
  /** Argument values by name; optional arguments that were not given are absent. */
  readonly args: Readonly<Record<string, string>>;
  readonly tokens: readonly Token[];
}

export const SECRET_MASK = '********';

/** The syntax line help shows, e.g. `mfamgmt create trustcert <pattern> <certifier ID file> <password>`. */
export function syntaxOf(spec: CommandSpec): string {
  const args = spec.arguments.map((arg) => {
    const name = arg.rest === true ? `${arg.name}...` : arg.name;
    return arg.optional === true ? `[${name}]` : `<${name}>`;
  });
  return [...spec.keywords, ...args].join(' ');
}

/**
 * Finds the command a console line names. Keywords are case-insensitive and may be
 * shortened to any unambiguous prefix, so `sh idv` runs `show idvault`.
 */
export class CommandRegistry<S extends CommandSpec = CommandSpec> {
  private readonly specs: S[] = [];

  register(spec: S): this {
    this.specs.push(spec);
    return this;
  }

  all(): readonly S[] {
    return this.specs;
  }

  /** @throws ConsoleInputError naming the unknown or ambiguous word, or the missing argument. */
  resolve(line: string): ResolvedCommand<S> {
    const tokens = tokenize(line);
    if (tokens.length === 0) {
      throw new ConsoleInputError('EMPTY_COMMAND', 'No command given; type help to list the commands');
    }
    const { spec, keywordCount } = this.match(tokens);
    return { spec, args: bindArguments(spec, tokens.slice(keywordCount)), tokens };
  }

  /**
   * The command a line most likely names, for masking secrets in lines that do not
   * resolve. Never throws.
   */
  guess(tokens: readonly Token[]): S | undefined {
    let candidates = this.specs;
    for (let level = 0; level < tokens.length && candidates.length > 1; level += 1) {
      const word = tokens[level].text.toLowerCase();
      const next = candidates.filter((spec) => level < spec.keywords.length && spec.keywords[level].startsWith(word));
      if (next.length === 0) break;
      candidates = next;
    }
    return candidates.length === 1 ? candidates[0] : undefined;
  }

  private match(tokens: readonly Token[]): { spec: S; keywordCount: number } {
    let candidates = this.specs;
    let level = 0;
    for (; ; level += 1) {
      const complete = candidates.filter((spec) => spec.keywords.length === level);
      const longer = candidates.filter((spec) => spec.keywords.length > level);
      if (longer.length === 0 || level >= tokens.length) {
        if (complete.length === 1) return { spec: complete[0], keywordCount: level };
        throw this.incomplete(tokens, level, longer);
      }

      const word = tokens[level].text.toLowerCase();
      const exact = longer.filter((spec) => spec.keywords[level] === word);
      const prefixed = exact.length > 0 ? exact : longer.filter((spec) => spec.keywords[level].startsWith(word));
      if (prefixed.length === 0 || tokens[level].quoted) {
        if (complete.length === 1) return { spec: complete[0], keywordCount: level };
        throw this.unknown(tokens, level, longer);
      }
      const keywords = new Set(prefixed.map((spec) => spec.keywords[level]));
      if (keywords.size > 1) {
        const typed = tokens.slice(0, level + 1).map((token) => token.text).join(' ');
        const choices = [...keywords].sort().map((keyword) => [...tokens.slice(0, level).map((token) => token.text.toLowerCase()), keyword].join(' '));
        throw new ConsoleInputError('AMBIGUOUS_COMMAND', `Ambiguous command: ${typed} could be ${choices.join(', ')}; type more letters`);
      }
      candidates = prefixed;
    }
  }

  private unknown(tokens: readonly Token[], level: number, longer: readonly S[]): ConsoleInputError {
    if (level === 0) {
      return new ConsoleInputError('UNKNOWN_COMMAND', `Unknown command: ${tokens[0].text}; type help to list the commands`);
    }
    const typed = tokens.slice(0, level).map((token) => token.text).join(' ');
    const options = [...new Set(longer.map((spec) => spec.keywords[level]))].sort().join(', ');
    return new ConsoleInputError('UNKNOWN_COMMAND', `Unknown command: ${typed} ${tokens[level].text}; after ${typed} type one of: ${options}`);
  }

  private incomplete(tokens: readonly Token[], level: number, longer: readonly S[]): ConsoleInputError {
    const typed = tokens.slice(0, level).map((token) => token.text).join(' ');
    const options = [...new Set(longer.map((spec) => spec.keywords[level]))].sort().join(', ');
    return new ConsoleInputError('MISSING_ARGUMENT', `Incomplete command: ${typed}; continue with one of: ${options}`);
  }
}

function bindArguments(spec: CommandSpec, tokens: readonly Token[]): Record<string, string> {
  const last = spec.arguments[spec.arguments.length - 1];
  if (last?.rest === true && tokens.length > spec.arguments.length) {
    const head = tokens.slice(0, spec.arguments.length - 1);
    const rest = tokens.slice(spec.arguments.length - 1).map((token) => token.text).join(' ');
    return { ...bindArguments({ ...spec, arguments: spec.arguments.slice(0, -1) }, head), [last.name]: rest };
  }
  const required = spec.arguments.filter((arg) => arg.optional !== true).length;
  if (tokens.length < required) {
    const missing = spec.arguments[tokens.length];
    throw new ConsoleInputError('MISSING_ARGUMENT', `Missing argument <${missing.name}>. Syntax: ${syntaxOf(spec)}`);
  }
  if (tokens.length > spec.arguments.length) {
    // The words are shifted when there are too many, so any of them may be a secret.
    const hasSecret = spec.arguments.some((arg) => arg.secret === true);
    const extra = hasSecret ? '' : `, starting at "${tokens[spec.arguments.length].text}"`;
    throw new ConsoleInputError(
      'TOO_MANY_ARGUMENTS',
      `Too many arguments (${tokens.length} given, at most ${spec.arguments.length})${extra}. Syntax: ${syntaxOf(spec)}; quote an argument that contains spaces`,
    );
  }
  return Object.fromEntries(tokens.map((token, index) => [spec.arguments[index].name, token.text]));
}
