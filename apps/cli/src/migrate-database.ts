import { redactUrl } from '@lrsweep/config';
import { migrate, type MigrateResult } from '@lrsweep/db';
import { CliError } from './cli-error.ts';

/** `migrate`, with a database that cannot be reached said in one line (exit 1), not a stack trace. */
export async function migrateDatabase(databaseUrl: string): Promise<MigrateResult> {
  try {
    return await migrate(databaseUrl);
  } catch (err) {
    throw new CliError(`cannot migrate Postgres at ${redactUrl(databaseUrl)}: ${(err as Error).message}`, 1);
  }
}
