/** Removes the `[pid:thread] date time` prefix of a console line, as the CLI demo prints lines. */
export function stripConsolePrefix(line: string): string {
  return line.replace(/^\[[^\]]*\] \S+ \S+ {3}/, '');
}
