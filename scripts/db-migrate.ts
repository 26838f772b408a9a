// `npm run db:migrate`: applies prisma/migrations to DATABASE_URL without Prisma's schema
// engine. `npm run db:migrate -- --rolled-back <name>` marks a failed migration for retry.
import { migrate, redact, resolveRolledBack } from '@lrsweep/db';

const url = process.env.DATABASE_URL;
if (!url) {
  process.stderr.write('DATABASE_URL is not set\n');
  process.exit(2);
}
const args = process.argv.slice(2);
try {
  if (args[0] === '--rolled-back') {
    const name = args[1];
    if (!name) throw new Error('usage: db:migrate -- --rolled-back <migration_name>');
    await resolveRolledBack(url, name);
    process.stdout.write(`marked ${name} rolled back\n`);
  } else {
    const { applied, alreadyApplied } = await migrate(url);
    for (const name of applied) process.stdout.write(`applied ${name}\n`);
    process.stdout.write(`${redact(url)}: ${applied.length} applied, ${alreadyApplied.length} already applied\n`);
  }
} catch (err) {
  process.stderr.write(`db:migrate: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
}
