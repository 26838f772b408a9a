import { randomBytes } from 'node:crypto';
import { cp, mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { checksumOf, DEFAULT_MIGRATIONS_DIR, migrate, MigrationError, readMigrations, resolveRolledBack } from './migrate.ts';

const SCHEMA_PATH = fileURLToPath(new URL('../../../prisma/schema.prisma', import.meta.url));
const base = process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const created: string[] = [];

/** A name for a database that does not exist yet: migrate() is expected to create it. */
function freshUrl(): string {
  const name = `lrsweep_m_${randomBytes(6).toString('hex')}`;
  created.push(name);
  const u = new URL(base);
  u.pathname = `/${name}`;
  return u.toString();
}

async function query<T extends pg.QueryResultRow>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

interface MigrationRow {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  applied_steps_count: number;
  rolled_back_at: Date | null;
  logs: string | null;
}

const bookkeeping = (url: string) =>
  query<MigrationRow>(url, 'SELECT * FROM "_prisma_migrations" ORDER BY started_at, migration_name');

afterAll(async () => {
  for (const name of created) await query(base, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
});

describe('migrate', () => {
  it('creates the database, applies every migration with Prisma bookkeeping, and re-runs as a no-op', async () => {
    const url = freshUrl();
    const local = await readMigrations();
    expect(local.length).toBeGreaterThan(0);

    const first = await migrate(url);
    expect(first.applied).toEqual(local.map((m) => m.name));

    const rows = await bookkeeping(url);
    expect(rows.map((r) => r.migration_name)).toEqual(local.map((m) => m.name));
    for (const row of rows) {
      const bytes = await readFile(path.join(DEFAULT_MIGRATIONS_DIR, row.migration_name, 'migration.sql'));
      expect(row.checksum).toBe(checksumOf(bytes));
      expect(row.checksum).toMatch(/^[0-9a-f]{64}$/);
      expect(row.finished_at).toBeInstanceOf(Date);
      expect(row.applied_steps_count).toBe(1);
      expect(row.rolled_back_at).toBeNull();
    }

    const second = await migrate(url);
    expect(second).toEqual({ applied: [], alreadyApplied: local.map((m) => m.name) });
    expect(await bookkeeping(url)).toHaveLength(rows.length);
  });

  it('keeps the table definition Prisma creates', async () => {
    const url = freshUrl();
    await migrate(url);
    const cols = await query<{ column_name: string; data_type: string; is_nullable: string; len: number | null }>(
      url,
      `SELECT column_name, data_type, is_nullable, character_maximum_length AS len
         FROM information_schema.columns WHERE table_name = '_prisma_migrations' ORDER BY ordinal_position`,
    );
    expect(cols).toEqual([
      { column_name: 'id', data_type: 'character varying', is_nullable: 'NO', len: 36 },
      { column_name: 'checksum', data_type: 'character varying', is_nullable: 'NO', len: 64 },
      { column_name: 'finished_at', data_type: 'timestamp with time zone', is_nullable: 'YES', len: null },
      { column_name: 'migration_name', data_type: 'character varying', is_nullable: 'NO', len: 255 },
      { column_name: 'logs', data_type: 'text', is_nullable: 'YES', len: null },
      { column_name: 'rolled_back_at', data_type: 'timestamp with time zone', is_nullable: 'YES', len: null },
      { column_name: 'started_at', data_type: 'timestamp with time zone', is_nullable: 'NO', len: null },
      { column_name: 'applied_steps_count', data_type: 'integer', is_nullable: 'NO', len: null },
    ]);
  });

  it('applies each migration once when two runs race', async () => {
    const url = freshUrl();
    const [a, b] = await Promise.all([migrate(url), migrate(url)]);
    const local = await readMigrations();
    expect([...a.applied, ...b.applied].sort()).toEqual(local.map((m) => m.name).sort());
    expect(await bookkeeping(url)).toHaveLength(local.length);
  });

  it('refuses to run when an applied migration was edited, naming it', async () => {
    const url = freshUrl();
    await migrate(url);
    const [first] = await readMigrations();
    await query(url, 'UPDATE "_prisma_migrations" SET checksum = $1 WHERE migration_name = $2', ['0'.repeat(64), first!.name]);
    const err = await migrate(url).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MigrationError);
    expect((err as MigrationError).migration).toBe(first!.name);
    expect((err as Error).message).toContain(first!.name);
  });

  it('records a failed migration like Prisma, rolls it back, and blocks until resolved', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'lrsweep-migrations-'));
    try {
      await cp(DEFAULT_MIGRATIONS_DIR, dir, { recursive: true });
      const broken = '29991231000000_broken';
      await mkdir(path.join(dir, broken));
      const file = path.join(dir, broken, 'migration.sql');
      await writeFile(file, 'CREATE TABLE "Half" ("id" INTEGER NOT NULL);\nSELECT 1 / 0;\n');
      const url = freshUrl();

      const err = await migrate(url, { migrationsDir: dir }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(MigrationError);
      expect((err as MigrationError).migration).toBe(broken);
      expect((err as Error).message).toMatch(/29991231000000_broken.*division by zero/);

      const row = (await bookkeeping(url)).find((r) => r.migration_name === broken);
      expect(row?.finished_at).toBeNull();
      expect(row?.applied_steps_count).toBe(0);
      expect(row?.logs).toContain('division by zero');
      // Its own transaction rolled back: nothing half-applied.
      expect(await query(url, `SELECT 1 FROM information_schema.tables WHERE table_name = 'Half'`)).toHaveLength(0);

      await expect(migrate(url, { migrationsDir: dir })).rejects.toThrow(/29991231000000_broken failed earlier/);

      await writeFile(file, 'CREATE TABLE "Half" ("id" INTEGER NOT NULL);\n');
      await resolveRolledBack(url, broken);
      const retry = await migrate(url, { migrationsDir: dir });
      expect(retry.applied).toEqual([broken]);
      const rows = (await bookkeeping(url)).filter((r) => r.migration_name === broken);
      expect(rows).toHaveLength(2);
      expect(rows.filter((r) => r.rolled_back_at !== null)).toHaveLength(1);
      expect(rows.filter((r) => r.finished_at !== null)).toHaveLength(1);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

// --- schema.prisma against the database the migrations build -----------------------------

interface DeclaredColumn {
  table: string;
  column: string;
  type: string;
  optional: boolean;
  native: string | null;
}

/** Just enough of a schema.prisma reader to list scalar fields and index names. */
function parseSchema(source: string) {
  const enums = new Set([...source.matchAll(/^enum\s+(\w+)\s*\{/gm)].map((m) => m[1]!));
  const modelBlocks = [...source.matchAll(/^model\s+(\w+)\s*\{([^}]*)\}/gm)];
  const models = new Set(modelBlocks.map((m) => m[1]!));
  const columns: DeclaredColumn[] = [];
  const indexes: string[] = [];
  for (const [, table, body] of modelBlocks) {
    const idFields: string[] = [];
    for (const raw of body!.split('\n')) {
      const line = raw.trim();
      if (line === '' || line.startsWith('//')) continue;
      const block = /^@@(index|unique|id)\(\[([^\]]*)\]/.exec(line);
      if (block) {
        const fields = block[2]!.split(',').map((f) => f.trim());
        if (block[1] === 'id') idFields.push(...fields);
        else indexes.push(`${table}_${fields.join('_')}_${block[1] === 'index' ? 'idx' : 'key'}`);
        continue;
      }
      const field = /^(\w+)\s+(\w+)(\[\])?(\?)?(.*)$/.exec(line);
      if (!field) continue;
      const [, name, type, list, optional, rest] = field;
      if (models.has(type!) || list) continue; // relation fields have no column
      columns.push({
        table: table!,
        column: name!,
        type: enums.has(type!) ? 'enum' : type!,
        optional: optional === '?',
        native: /@db\.(\w+)/.exec(rest!)?.[1] ?? null,
      });
    }
    indexes.push(`${table}_pkey`);
  }
  return { models: [...models], columns, indexes };
}

const PG_TYPE: Record<string, string> = {
  String: 'text',
  Uuid: 'uuid',
  Int: 'integer',
  Float: 'double precision',
  Boolean: 'boolean',
  DateTime: 'timestamp without time zone',
  Json: 'jsonb',
  enum: 'USER-DEFINED',
};

describe('schema.prisma and the migrations', () => {
  it('declare the same tables, columns, nullability and indexes', async () => {
    const url = freshUrl();
    await migrate(url);
    const declared = parseSchema(await readFile(SCHEMA_PATH, 'utf8'));
    expect(declared.models.length).toBeGreaterThan(0);

    const actual = await query<{ table_name: string; column_name: string; data_type: string; is_nullable: string }>(
      url,
      `SELECT table_name, column_name, data_type, is_nullable FROM information_schema.columns
        WHERE table_schema = 'public' AND table_name <> '_prisma_migrations'`,
    );
    const key = (t: string, c: string) => `${t}.${c}`;
    const actualByKey = new Map(actual.map((c) => [key(c.table_name, c.column_name), c]));

    for (const col of declared.columns) {
      const found = actualByKey.get(key(col.table, col.column));
      expect(found, `${col.table}.${col.column} is declared but has no column`).toBeDefined();
      expect(found?.data_type, `${col.table}.${col.column} type`).toBe(PG_TYPE[col.native ?? col.type]);
      expect(found?.is_nullable, `${col.table}.${col.column} nullability`).toBe(col.optional ? 'YES' : 'NO');
    }
    const declaredKeys = new Set(declared.columns.map((c) => key(c.table, c.column)));
    const undeclared = actual.map((c) => key(c.table_name, c.column_name)).filter((k) => !declaredKeys.has(k));
    expect(undeclared, 'columns in the database that schema.prisma does not declare').toEqual([]);

    const idx = await query<{ indexname: string }>(url, `SELECT indexname FROM pg_indexes WHERE schemaname = 'public'`);
    const indexNames = idx.map((i) => i.indexname).filter((n) => !n.startsWith('_prisma_migrations'));
    expect(indexNames.sort()).toEqual([...declared.indexes].sort());
  });
});
