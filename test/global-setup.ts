import { randomUUID } from 'node:crypto';

/** Names this test run, so the global teardown removes only the containers it started. */
export default function globalSetup(): void {
  process.env.DOMSIM_TEST_SESSION ??= randomUUID();
}
