// `lrsweep keys create|list|revoke`: API keys, straight against DATABASE_URL like `lrsweep
// migrate`, because whoever can reach the database already holds every key's power.
import { loadConfig } from '@lrsweep/config';
import { ApiKeyInputError, createApiKey, createDb, listApiKeys, pingDatabase, revokeApiKey, type ApiKeyView, type PrismaClient } from '@lrsweep/db';
import { CliError } from '../cli-error.ts';
import { defineCommand, defineGroup } from '../command.ts';
import { DATABASE_ENVIRONMENT } from '../service-options.ts';

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

export const command = defineGroup({
  summary: 'API keys: create, list and revoke them (against DATABASE_URL)',
  description: `Clients send a key as "Authorization: Bearer <key>"; it sees and changes only its project's
sweeps. --admin also opens the operator routes that show every project (/metrics for
Prometheus, /admin/queues for Bull Board): give it to operators, not to projects.
Keys live in DATABASE_URL (run \`lrsweep migrate\` first).`,
  commands: {
    create: defineCommand({
      summary: 'make a key for a project; it is printed once, only here',
      description: 'Prints the key alone on stdout, so KEY=$(lrsweep keys create --project p) works; the rest goes to stderr.',
      options: {
        project: { type: 'string', value: 'P', required: true, description: 'the project the key sees and changes' },
        name: { type: 'string', value: 'N', description: 'a name to tell keys apart in the list' },
        admin: { type: 'boolean', description: 'also opens the operator routes (/metrics, /admin/queues) of every project' },
      },
      environment: DATABASE_ENVIRONMENT,
      run: async ({ options }) => {
        const { project, name, admin } = options;
        const { key, apiKey } = await withDb((db) => createApiKey(db, { project, admin, ...(name === undefined ? {} : { name }) }));
        // The key alone on stdout, so `KEY=$(lrsweep keys create --project p)` works; the rest on stderr.
        out(key);
        const kind = apiKey.admin ? 'admin key' : 'key';
        process.stderr.write(`created ${kind} ${apiKey.id} (${apiKey.prefix}…) for project '${apiKey.project}'. This is the only time it is shown: store it now.\n`);
        return 0;
      },
    }),
    list: defineCommand({
      summary: 'the keys, never the keys themselves',
      options: {
        project: { type: 'string', value: 'P', description: "only project P's keys" },
        all: { type: 'boolean', description: 'revoked keys too' },
      },
      environment: DATABASE_ENVIRONMENT,
      run: async ({ options }) => {
        const { project, all } = options;
        const keys = await withDb((db) => listApiKeys(db, { ...(project === undefined ? {} : { project }), includeRevoked: all }));
        out(keys.length === 0 ? 'no API keys (lrsweep keys create --project P makes one)' : table(keys));
        return 0;
      },
    }),
    revoke: defineCommand({
      summary: 'the key stops working at once',
      args: ['ID'],
      options: {},
      environment: DATABASE_ENVIRONMENT,
      run: async ({ args }) => {
        const id = args[0]!;
        const revoked = await withDb((db) => revokeApiKey(db, id));
        if (!revoked) throw new CliError(`no API key has id '${id}' (lrsweep keys list shows them)`, 1);
        out(`revoked key ${revoked.id} (${revoked.prefix}…) of project '${revoked.project}' at ${when(revoked.revokedAt)}`);
        return 0;
      },
    }),
  },
});
