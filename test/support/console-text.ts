/** A console line without its `[pid:vtid-tid] date time   ` prefix. */
export function stripPrefix(line: string): string {
  return line.replace(/^\[\d{6}:\d{6}-[0-9A-F]{16}\] \d\d\/\d\d\/\d{4} \d\d:\d\d:\d\d {3}/, '');
}

export function textOf(lines: readonly string[]): string[] {
  return lines.map(stripPrefix);
}
