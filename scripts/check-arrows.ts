// `npm run check:arrows` (part of `npm run typecheck`): imports point the way the house is
// drawn (the table in the shared STYLE.md, mirrored in ARROWS below). Fails, naming file and
// import, when
// - a workspace's code (not its tests) imports a workspace package its arrow does not allow;
// - an import of a workspace package is not declared in the importer's package.json, or names a
//   path the package does not export (packages are reached through their entry points only);
// - a relative import leaves its workspace (scripts/ included: they import packages by name).
// It reads import declarations, `export ... from` and `import()`; a process a package starts
// (require.resolve of another's bin) or a file it reads is its package.json's business.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = path.resolve(fileURLToPath(new URL('..', import.meta.url)));

/** Which workspace packages each workspace's own code may import. */
const ARROWS: Record<string, string[]> = {
  '@lrsweep/contracts': [],
  '@lrsweep/config': [],
  // Pure statistics and the one seeded PRNG: no package of ours, so any package may use it.
  '@lrsweep/stats': [],
  '@lrsweep/schedules': ['@lrsweep/contracts', '@lrsweep/stats'],
  '@lrsweep/trainer': ['@lrsweep/schedules', '@lrsweep/contracts', '@lrsweep/stats'],
  '@lrsweep/db': ['@lrsweep/contracts', '@lrsweep/stats'],
  '@lrsweep/queue': ['@lrsweep/contracts', '@lrsweep/config'],
  '@lrsweep/api': ['@lrsweep/db', '@lrsweep/queue', '@lrsweep/schedules', '@lrsweep/contracts', '@lrsweep/config'],
  '@lrsweep/worker': ['@lrsweep/trainer', '@lrsweep/db', '@lrsweep/queue', '@lrsweep/contracts', '@lrsweep/config', '@lrsweep/stats'],
  '@lrsweep/cli': ['@lrsweep/contracts', '@lrsweep/schedules', '@lrsweep/config', '@lrsweep/db'],
  '@lrsweep/dashboard': ['@lrsweep/contracts'],
};

/**
 * Imports that break a rule on purpose: an app's test in `apps/<app>/test` may import the API's
 * test harness (`apps/api/test/*.ts`: the stack, the check for optional system parts). The end-to-end harness builds the API and starts real
 * workers; the other apps' end-to-end tests share it. Declaring @lrsweep/api in their
 * package.json would close a cycle (api's tests start the worker) that turbo refuses.
 */
const isExempt = (file: string, spec: string) => /^apps\/[^/]+\/test\/[^/]+\.test\.ts$/.test(file) && /^\.\.\/\.\.\/api\/test\/[^/]+\.ts$/.test(spec);

interface Workspace {
  dir: string;
  name: string;
  declared: Set<string>;
  runtime: Set<string>;
  exports: Set<string>;
}

const readJson = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as Record<string, Record<string, string> | string | undefined>;

function workspace(dir: string): Workspace {
  const pkg = readJson(path.join(root, dir, 'package.json'));
  const deps = Object.keys((pkg.dependencies as Record<string, string>) ?? {});
  const devDeps = Object.keys((pkg.devDependencies as Record<string, string>) ?? {});
  const exports = pkg.exports ?? (pkg.main ? { '.': pkg.main } : {});
  return { dir, name: String(pkg.name), runtime: new Set(deps), declared: new Set([...deps, ...devDeps]), exports: new Set(Object.keys(exports)) };
}

const workspaces = ['packages', 'apps'].flatMap((group) => readdirSync(path.join(root, group)).map((name) => workspace(`${group}/${name}`)));
const byName = new Map(workspaces.map((w) => [w.name, w]));
const rootWorkspace = workspace('.');

function* sources(dir: string): Generator<string> {
  for (const entry of readdirSync(path.join(root, dir))) {
    const rel = path.join(dir, entry);
    if (entry === 'node_modules' || entry === 'public' || entry.startsWith('.')) continue; // public: the dashboard's browser modules
    if (statSync(path.join(root, rel)).isDirectory()) yield* sources(rel);
    else if (/\.(ts|mts|mjs)$/.test(entry) || rel.endsWith('bin/lrsweep.js')) yield rel;
  }
}

const isTest = (file: string) => /\.test\.ts$/.test(file) || file.split(path.sep).includes('test');

function check(owner: Workspace, file: string): string[] {
  const problems: string[] = [];
  const { importedFiles } = ts.preProcessFile(readFileSync(path.join(root, file), 'utf8'), true, true);
  for (const { fileName: spec } of importedFiles) {
    if (isExempt(file, spec)) continue;
    if (spec.startsWith('.')) {
      const target = path.relative(root, path.resolve(root, path.dirname(file), spec));
      const inside = owner.dir === '.' ? target.startsWith('scripts' + path.sep) : target.startsWith(owner.dir + path.sep);
      if (!inside) problems.push(`${file}: '${spec}' reaches outside ${owner.dir === '.' ? 'scripts/' : owner.dir}; import the package by name`);
      continue;
    }
    const [scope, name, ...rest] = spec.split('/');
    const pkg = `${scope}/${name}`;
    const target = byName.get(pkg);
    if (!target) continue;
    const subpath = rest.length ? `./${rest.join('/')}` : '.';
    if (!target.exports.has(subpath)) problems.push(`${file}: '${spec}' is not an entry point of ${pkg} (its package.json exports ${[...target.exports].join(', ')})`);
    if (pkg === owner.name) continue;
    const test = isTest(file);
    // A workspace's code needs its imports at run time; tests, and the root's dev scripts, may use devDependencies.
    const needed = test || owner === rootWorkspace ? owner.declared : owner.runtime;
    if (!needed.has(pkg)) problems.push(`${file}: imports ${pkg}, which ${owner.dir}/package.json does not declare${needed === owner.runtime ? ' in dependencies' : ''}`);
    const allowed = ARROWS[owner.name];
    if (allowed && !test && !allowed.includes(pkg)) problems.push(`${file}: ${owner.name} may not import ${pkg} (allowed: ${allowed.join(', ') || 'none of ours'})`);
  }
  return problems;
}

const problems = [
  ...workspaces.flatMap((w) => [...sources(w.dir)].flatMap((file) => check(w, file))),
  ...[...sources('scripts')].flatMap((file) => check(rootWorkspace, file)),
];
const unknown = workspaces.filter((w) => !(w.name in ARROWS)).map((w) => `${w.dir}: ${w.name} has no arrow in scripts/check-arrows.ts`);
for (const line of [...unknown, ...problems]) process.stderr.write(line + '\n');
if (unknown.length + problems.length) process.exit(1);
process.stdout.write(`check:arrows: ${workspaces.length} workspaces and scripts/ import as the house is drawn\n`);
