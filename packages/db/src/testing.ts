// Per-test-file databases for integration tests: each file clones a migrated template, which
// is far cheaper than migrating a fresh database and keeps files from seeing each other's rows.
import { createHash, randomBytes } from 'node:crypto';
import pg from 'pg';
import { createDb, type PrismaClient } from './client.ts';
import { migrate, readMigrations } from './migrate.ts';

// Named by the migrations' digest: checkouts with different migrations (branches, worktrees)
// share one server without rebuilding each other's template under their running tests.
const TEMPLATE_PREFIX = 'lrsweep_template_';
// Any constant works; it only has to differ from Prisma's migrate lock (72707369).
const TEMPLATE_LOCK_KEY = 72707370;

export interface TestDatabase {
  url: string;
  db: PrismaClient;
  /** Disconnects `db` and drops the database, closing any connection still open. */
  drop(): Promise<void>;
}

function baseUrl(): string {
  return process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
}

function urlFor(name: string): string {
  const u = new URL(baseUrl());
  u.pathname = `/${name}`;
  return u.toString();
}

/** Runs `fn` on a connection to the server's admin database, under the template lock. */
async function withAdmin<T>(fn: (admin: pg.Client) => Promise<T>): Promise<T> {
  const admin = new pg.Client({ connectionString: urlFor('postgres') });
  await admin.connect();
  try {
    // Serialises template rebuilds and clones across test files started at the same time:
    // CREATE DATABASE ... TEMPLATE fails while anyone else is connected to the template.
    await admin.query('SELECT pg_advisory_lock($1)', [TEMPLATE_LOCK_KEY]);
    return await fn(admin);
  } finally {
    await admin.end();
  }
}

let templateReady: Promise<string> | undefined;

/** Builds the template unless it holds exactly the migrations on disk (tagged by a digest); returns its name. */
function ensureTemplate(admin: pg.Client): Promise<string> {
  templateReady ??= (async () => {
    const migrations = await readMigrations();
    const digest = createHash('sha256')
      .update(migrations.map((m) => `${m.name}:${m.checksum}`).join('\n'))
      .digest('hex');
    const tag = `lrsweep-migrations:${digest}`;
    const template = TEMPLATE_PREFIX + digest.slice(0, 16);
    const { rows } = await admin.query<{ tag: string | null }>(
      `SELECT shobj_description(oid, 'pg_database') AS tag FROM pg_database WHERE datname = $1`,
      [template],
    );
    if (rows[0]?.tag === tag) return template;
    await admin.query(`DROP DATABASE IF EXISTS ${template} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${template}`);
    await migrate(urlFor(template), { createDatabase: false });
    // Tagged last: a template left half-built by a crash has no tag and is rebuilt next time.
    await admin.query(`COMMENT ON DATABASE ${template} IS '${tag}'`);
    return template;
  })();
  // A failed attempt must not be cached for the rest of the run.
  templateReady.catch(() => {
    templateReady = undefined;
  });
  return templateReady;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `lrsweep_t_${randomBytes(6).toString('hex')}`;
  await withAdmin(async (admin) => {
    const template = await ensureTemplate(admin);
    await admin.query(`CREATE DATABASE ${name} TEMPLATE ${template}`);
  });
  const url = urlFor(name);
  const db = createDb(url, { poolSize: 5 });
  return {
    url,
    db,
    async drop() {
      await db.$disconnect();
      const admin = new pg.Client({ connectionString: urlFor('postgres') });
      await admin.connect();
      try {
        await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await admin.end();
      }
    },
  };
}
