import { readdirSync, readFileSync } from 'node:fs';
import { basename, join, resolve, sep } from 'node:path';

/** A process found by its command line to belong to a domain directory. */
export interface DomainProcess {
  readonly pid: number;
  readonly kind: 'server' | 'host' | 'nats-server';
  readonly commandLine: string;
}

/**
 * Finds the processes that run for the domain in `root` by their command lines, without
 * run.json: server processes (`main.js --data ROOT/...`), the host of an in-process domain
 * (`host.js --domain ROOT`) and private nats-servers (`-c ROOT/nats/...`). Linux only: returns
 * an empty list where /proc is not available.
 */
export function findDomainProcesses(root: string): DomainProcess[] {
  const domainRoot = resolve(root);
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }

  const found: DomainProcess[] = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    if (pid === process.pid) continue;
    const args = argumentsOf(pid);
    if (args === undefined) continue;
    const kind = domainProcessKind(args, domainRoot);
    if (kind !== undefined) found.push({ pid, kind, commandLine: args.join(' ') });
  }
  return found;
}

/** Classifies a command line as a domsim process of `domainRoot`; returns undefined for any other process. */
export function domainProcessKind(args: readonly string[], domainRoot: string): DomainProcess['kind'] | undefined {
  const under = (path: string | undefined) => path !== undefined && (path === domainRoot || path.startsWith(`${domainRoot}${sep}`));
  const valueOf = (flag: string) => {
    const index = args.indexOf(flag);
    return index < 0 ? undefined : args[index + 1];
  };
  const script = args[1] ?? '';

  if (basename(args[0] ?? '') === 'nats-server') return under(valueOf('-c')) ? 'nats-server' : undefined;
  if (script.endsWith(join('apps', 'server', 'src', 'main.js')) && under(valueOf('--data'))) return 'server';
  if (script.endsWith(join('apps', 'server', 'src', 'host.js')) && valueOf('--domain') === domainRoot) return 'host';
  return undefined;
}

function argumentsOf(pid: number): string[] | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return text.split('\0').filter((arg, index, all) => arg !== '' || index < all.length - 1);
  } catch {
    return undefined;
  }
}
