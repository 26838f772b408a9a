import { loadConfig } from '@lrsweep/config';
import { migrate } from '@lrsweep/db';

export async function run(): Promise<number> {
  const { databaseUrl } = loadConfig();
  const result = await migrate(databaseUrl);
  process.stdout.write(`migrations: ${JSON.stringify(result)}\n`);
  return 0;
}
