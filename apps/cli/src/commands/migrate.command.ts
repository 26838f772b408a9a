import { loadConfig } from '@lrsweep/config';
import { defineCommand } from '../command.ts';
import { migrateDatabase } from '../migrate-database.ts';
import { DATABASE_ENVIRONMENT } from '../service-options.ts';

/** `lrsweep migrate`: prisma/migrations applied to DATABASE_URL. */
export const command = defineCommand({
  summary: 'apply prisma/migrations to DATABASE_URL',
  description: 'Creates the database if it does not exist, applies the migrations it has not had yet and\nprints what it applied, as JSON. `lrsweep serve` does this itself before it starts.',
  options: {},
  environment: DATABASE_ENVIRONMENT,
  run,
});

async function run(): Promise<number> {
  const { databaseUrl } = loadConfig();
  const result = await migrateDatabase(databaseUrl);
  process.stdout.write(`migrations: ${JSON.stringify(result)}\n`);
  return 0;
}
