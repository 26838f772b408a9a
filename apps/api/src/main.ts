import { startApi } from './server.ts';

try {
  await startApi();
} catch (err) {
  process.stderr.write(`lrsweep api: ${(err as Error).message}\n`);
  process.exit(1);
}
