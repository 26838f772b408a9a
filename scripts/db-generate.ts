// `npm run db:generate` (and the root postinstall): writes the Prisma client into
// packages/db/src/generated/prisma, which is not committed.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';

// Prisma's CLI insists on locating its schema engine even though `generate` never runs it,
// and downloads it when missing; offline that fails. Any executable satisfies the lookup.
// An engine path the caller set (a machine with engines) wins.
const env = { ...process.env };
env.PRISMA_SCHEMA_ENGINE_BINARY ??= process.platform === 'win32' ? process.execPath : '/bin/true';

// Resolved from prisma's package.json rather than PATH so it works outside npm scripts too.
const require = createRequire(import.meta.url);
const cli = path.join(path.dirname(require.resolve('prisma/package.json')), 'build/index.js');
const res = spawnSync(process.execPath, [cli, 'generate'], { stdio: 'inherit', env });
if (res.error) throw res.error;
process.exit(res.status ?? 1);
