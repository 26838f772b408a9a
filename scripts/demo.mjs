// `npm run demo` on a fresh clone: installs when node_modules is missing or older than the
// lockfile, then hands over to the typed demo. Plain JS with no dependencies, because nothing
// is installed yet when it starts.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';

const stale = !existsSync('node_modules/.package-lock.json') ||
  statSync('node_modules/.package-lock.json').mtimeMs < statSync('package-lock.json').mtimeMs;
if (stale) {
  console.log('lrsweep demo: installing dependencies (npm ci)...');
  const r = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
const r = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/demo-run.ts', ...process.argv.slice(2)], { stdio: 'inherit' });
process.exit(r.status ?? 1);
