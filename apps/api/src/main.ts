import { parseArgs } from 'node:util';
import { startApi } from './server.ts';

try {
  const { values } = parseArgs({ options: { port: { type: 'string' }, host: { type: 'string' } } });
  const port = values.port === undefined ? undefined : Number(values.port);
  if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port < 65536)) throw new Error(`--port must be 0..65535, got '${values.port}'`);
  await startApi({ ...(port !== undefined ? { port } : {}), ...(values.host ? { host: values.host } : {}) });
} catch (err) {
  process.stderr.write(`lrsweep api: ${(err as Error).message}\n`);
  process.exit(1);
}
