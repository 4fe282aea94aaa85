import { environmentFromArguments } from './config/server-arguments';
import { readServerEnvironment } from './config/server-config';
import { startServer } from './server-bootstrap';

async function main(): Promise<void> {
  await startServer(readServerEnvironment({ ...process.env, ...environmentFromArguments(process.argv.slice(2)) }));
}

main().catch((error: unknown) => {
  process.stderr.write(`domsim server: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
