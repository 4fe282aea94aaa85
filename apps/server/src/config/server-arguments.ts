/** Command-line options of the server process and the environment variables they set. */
export const SERVER_ARGUMENTS: Readonly<Record<string, string>> = { '--data': 'DOMSIM_DATA_DIR', '--nats': 'DOMSIM_NATS_URL' };

/**
 * Turns `--data DIR` and `--nats URL` (or `--data=DIR`) into the DOMSIM_* variables they
 * override.
 *
 * @throws Error naming an unknown option or one without a value.
 */
export function environmentFromArguments(args: readonly string[]): Record<string, string> {
  const environment: Record<string, string> = {};
  for (let index = 0; index < args.length; index += 1) {
    const [flag, inline] = args[index].split(/=(.*)/s, 2);
    const variable = SERVER_ARGUMENTS[flag];
    if (variable === undefined) throw new Error(`unknown argument ${args[index]}; the server accepts --data DIR and --nats URL, or the DOMSIM_* environment variables`);
    const value = inline ?? args[++index];
    if (value === undefined) throw new Error(`${flag} needs a value`);
    environment[variable] = value;
  }
  return environment;
}
