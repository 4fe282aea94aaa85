import { type CommandSpec, syntaxOf } from './command-registry';

/** Lines of `help`: one per command with its syntax and summary; simulator-only commands are marked. */
export function helpLines(specs: readonly CommandSpec[]): string[] {
  const sorted = [...specs].sort((a, b) => syntaxOf(a).localeCompare(syntaxOf(b)));
  const width = Math.max(...sorted.map((spec) => syntaxOf(spec).length));
  const lines = sorted.map((spec) => `${syntaxOf(spec).padEnd(width)}  ${spec.summary}${spec.simulatorOnly === true ? '  [simulator only]' : ''}`);
  return ['Commands (keywords may be shortened, e.g. sh idv):', ...lines];
}
