// `lrsweep keys create|list|revoke`: API keys, straight against DATABASE_URL like `lrsweep
// migrate`, because whoever can reach the database already holds every key's power.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { loadConfig } from '@lrsweep/config';
import { ApiKeyInputError, createApiKey, createDb, listApiKeys, pingDatabase, revokeApiKey, type ApiKeyView, type PrismaClient } from '@lrsweep/db';
import { CliError } from '../cli-error.ts';

const HELP = `usage: lrsweep keys <create|list|revoke> [options]

  lrsweep keys create --project P [--name N] [--admin]
                                               make a key for project P; it is printed once, only here
  lrsweep keys list [--project P] [--all]      keys (--all: revoked ones too); never the keys themselves
  lrsweep keys revoke ID                       the key stops working at once

Clients send a key as "Authorization: Bearer <key>"; it sees and changes only its project's
sweeps. --admin also opens the operator routes that show every project (/metrics for
Prometheus, /admin/queues for Bull Board): give it to operators, not to projects.
Keys live in DATABASE_URL (run \`lrsweep migrate\` first).`;

const out = (text: string) => process.stdout.write(text + '\n');
const when = (d: Date | null) => (d ? d.toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z') : '-');

function table(keys: ApiKeyView[]): string {
  const rows = [
    ['ID', 'PROJECT', 'NAME', 'PREFIX', 'ADMIN', 'CREATED', 'LAST USED', 'REVOKED'],
    ...keys.map((k) => [k.id, k.project, k.name ?? '-', `${k.prefix}…`, k.admin ? 'yes' : '-', when(k.createdAt), when(k.lastUsedAt), when(k.revokedAt)]),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n');
}

async function withDb<T>(fn: (db: PrismaClient) => Promise<T>): Promise<T> {
  const { databaseUrl } = loadConfig();
  try {
    await pingDatabase(databaseUrl);
  } catch (err) {
    throw new CliError((err as Error).message, 1);
  }
  const db = createDb(databaseUrl, { poolSize: 1 });
  try {
    return await fn(db);
  } catch (err) {
    if (err instanceof ApiKeyInputError) throw new CliError(err.message);
    // P2021: the table does not exist, i.e. the database predates the api_keys migration.
    if ((err as { code?: string }).code === 'P2021') throw new CliError('this database has no API key table yet: run `lrsweep migrate` first', 1);
    throw err;
  } finally {
    await db.$disconnect();
  }
}

export async function run(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (!sub || sub === '-h' || sub === '--help' || rest.includes('-h') || rest.includes('--help')) {
    out(HELP);
    return sub ? 0 : 2;
  }
  const parse = (options: NonNullable<ParseArgsConfig['options']>, positionals = 0) => {
    try {
      const parsed = parseArgs({ args: rest, options, allowPositionals: positionals > 0 });
      if (parsed.positionals.length !== positionals) throw new Error(`expects ${positionals} argument${positionals === 1 ? '' : 's'}`);
      return parsed;
    } catch (err) {
      throw new CliError(`keys ${sub}: ${(err as Error).message} (lrsweep keys --help)`);
    }
  };

  if (sub === 'create') {
    const { values } = parse({ project: { type: 'string' }, name: { type: 'string' }, admin: { type: 'boolean' } });
    if (typeof values.project !== 'string') throw new CliError(`keys create: --project is required (lrsweep keys --help)`);
    const project = values.project;
    const name = typeof values.name === 'string' ? values.name : undefined;
    const admin = values.admin === true;
    const { key, apiKey } = await withDb((db) => createApiKey(db, { project, admin, ...(name === undefined ? {} : { name }) }));
    // The key alone on stdout, so `KEY=$(lrsweep keys create --project p)` works; the rest on stderr.
    out(key);
    const kind = apiKey.admin ? 'admin key' : 'key';
    process.stderr.write(`created ${kind} ${apiKey.id} (${apiKey.prefix}…) for project '${apiKey.project}'. This is the only time it is shown: store it now.\n`);
    return 0;
  }
  if (sub === 'list') {
    const { values } = parse({ project: { type: 'string' }, all: { type: 'boolean' } });
    const project = typeof values.project === 'string' ? values.project : undefined;
    const keys = await withDb((db) => listApiKeys(db, { ...(project === undefined ? {} : { project }), includeRevoked: values.all === true }));
    out(keys.length === 0 ? 'no API keys (lrsweep keys create --project P makes one)' : table(keys));
    return 0;
  }
  if (sub === 'revoke') {
    const { positionals } = parse({}, 1);
    const id = positionals[0]!;
    const revoked = await withDb((db) => revokeApiKey(db, id));
    if (!revoked) throw new CliError(`no API key has id '${id}' (lrsweep keys list shows them)`, 1);
    out(`revoked key ${revoked.id} (${revoked.prefix}…) of project '${revoked.project}' at ${when(revoked.revokedAt)}`);
    return 0;
  }
  throw new CliError(`keys: unknown subcommand '${sub}' (lrsweep keys --help)`);
}
