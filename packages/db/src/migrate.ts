import { createHash, randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

/** Where Prisma keeps the migrations of this repository (see prisma.config.ts). */
export const DEFAULT_MIGRATIONS_DIR = fileURLToPath(new URL('../../../prisma/migrations', import.meta.url));

// The key Prisma's schema engine locks on Postgres: using the same one means this runner and
// a real `prisma migrate deploy` also exclude each other, not only two copies of this runner.
const PRISMA_ADVISORY_LOCK_KEY = 72707369;

// Byte for byte the table Prisma's schema engine creates, so `prisma migrate deploy` on a
// machine with engines reads our bookkeeping as its own.
const CREATE_MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

export interface LocalMigration {
  name: string;
  sql: string;
  /** sha256 hex of the file's bytes, as Prisma computes it. */
  checksum: string;
}

export interface MigrateOptions {
  /** @defaultValue the repository's `prisma/migrations` */
  migrationsDir?: string;
  /**
   * Create the target database first when it does not exist (through the server's `postgres`
   * database), so a demo can point at a fresh name.
   * @defaultValue true
   */
  createDatabase?: boolean;
}

export interface MigrateResult {
  applied: string[];
  alreadyApplied: string[];
}

export class MigrationError extends Error {
  constructor(
    message: string,
    readonly migration: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'MigrationError';
  }
}

export function checksumOf(bytes: string | Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Migrations on disk in the order Prisma applies them: by directory name. */
export async function readMigrations(dir: string = DEFAULT_MIGRATIONS_DIR): Promise<LocalMigration[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const names = entries.filter((e) => e.isDirectory()).map((e) => e.name).sort();
  return Promise.all(
    names.map(async (name) => {
      const bytes = await readFile(path.join(dir, name, 'migration.sql'));
      return { name, sql: bytes.toString('utf8'), checksum: checksumOf(bytes) };
    }),
  );
}

/** Creates the database named in `url` unless it exists; safe when two callers race. */
export async function ensureDatabase(url: string): Promise<void> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.slice(1));
  if (!name) throw new Error(`database URL names no database: ${redact(url)}`);
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount) return;
    await client.query(`CREATE DATABASE ${quoteIdent(name)}`);
  } catch (err) {
    // 42P04 duplicate_database, 23505 from a concurrent CREATE DATABASE: either way it exists.
    const code = (err as { code?: string }).code;
    if (code !== '42P04' && code !== '23505') throw err;
  } finally {
    await client.end();
  }
}

interface AppliedRow {
  id: string;
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
  logs: string | null;
}

/**
 * Applies pending migrations with Prisma's bookkeeping but without Prisma's schema engine
 * (which this environment cannot download). Each migration runs in its own transaction.
 */
export async function migrate(url: string, opts: MigrateOptions = {}): Promise<MigrateResult> {
  if (opts.createDatabase ?? true) await ensureDatabase(url);
  const local = await readMigrations(opts.migrationsDir);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    // Session-level lock on a dedicated connection: held across the per-migration transactions.
    await client.query('SELECT pg_advisory_lock($1)', [PRISMA_ADVISORY_LOCK_KEY]);
    try {
      return await applyPending(client, local);
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [PRISMA_ADVISORY_LOCK_KEY]);
    }
  } finally {
    await client.end();
  }
}

async function applyPending(client: pg.Client, local: LocalMigration[]): Promise<MigrateResult> {
  await client.query(CREATE_MIGRATIONS_TABLE);
  const { rows } = await client.query<AppliedRow>(
    'SELECT id, migration_name, checksum, finished_at, rolled_back_at, logs FROM "_prisma_migrations" ORDER BY started_at',
  );
  // Like Prisma (P3009): a failed migration blocks everything until someone resolves it.
  const failed = rows.find((r) => r.finished_at === null && r.rolled_back_at === null);
  if (failed) {
    throw new MigrationError(
      `migration ${failed.migration_name} failed earlier and is unresolved. Its transaction was rolled back; ` +
        `fix it, then mark it with \`prisma migrate resolve --rolled-back ${failed.migration_name}\` ` +
        `or resolveRolledBack(). Logs:\n${failed.logs ?? ''}`,
      failed.migration_name,
    );
  }
  const applied = new Map(rows.filter((r) => r.finished_at !== null).map((r) => [r.migration_name, r]));
  const result: MigrateResult = { applied: [], alreadyApplied: [] };
  for (const m of local) {
    const row = applied.get(m.name);
    if (row) {
      if (row.checksum !== m.checksum) {
        throw new MigrationError(
          `migration ${m.name} was modified after it was applied (checksum ${row.checksum} in the database, ` +
            `${m.checksum} on disk). Add a new migration instead of editing an applied one.`,
          m.name,
        );
      }
      result.alreadyApplied.push(m.name);
      continue;
    }
    await applyOne(client, m);
    result.applied.push(m.name);
  }
  return result;
}

async function applyOne(client: pg.Client, m: LocalMigration): Promise<void> {
  const id = randomUUID();
  // The row is written before and outside the migration's transaction, as Prisma does, so a
  // failure leaves a record behind (finished_at null, logs) instead of vanishing with the rollback.
  await client.query(
    'INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, applied_steps_count) VALUES ($1, $2, $3, now(), 0)',
    [id, m.checksum, m.name],
  );
  try {
    await client.query('BEGIN');
    await client.query(m.sql);
    await client.query(
      'UPDATE "_prisma_migrations" SET finished_at = now(), applied_steps_count = applied_steps_count + 1 WHERE id = $1',
      [id],
    );
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    const detail = err instanceof Error ? err.message : String(err);
    const code = (err as { code?: string }).code;
    const logs = `Migration ${m.name} failed to apply.\n\nDatabase error code: ${code ?? 'unknown'}\n\nDatabase error:\n${detail}\n`;
    await client.query('UPDATE "_prisma_migrations" SET logs = $2 WHERE id = $1', [id, logs]);
    throw new MigrationError(`migration ${m.name} failed: ${detail}`, m.name, { cause: err });
  }
}

/**
 * What `prisma migrate resolve --rolled-back <name>` does: marks a failed migration rolled back
 * so the next run retries it. Our runner's failed migrations always were rolled back.
 */
export async function resolveRolledBack(url: string, name: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const res = await client.query(
      'UPDATE "_prisma_migrations" SET rolled_back_at = now() WHERE migration_name = $1 AND finished_at IS NULL AND rolled_back_at IS NULL',
      [name],
    );
    if (!res.rowCount) throw new MigrationError(`migration ${name} has no failed, unresolved record`, name);
  } finally {
    await client.end();
  }
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

export function redact(url: string): string {
  const u = new URL(url);
  if (u.password) u.password = '***';
  return u.toString();
}
