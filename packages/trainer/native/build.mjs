// Builds the OpenBLAS addon for the `blas` training backend (run by the root postinstall, or
// `npm run build:native`). It never fails the install: without a C++ compiler or libopenblas
// it prints one warning line, and backend selection skips `blas` (workers train on wasm).
// Plain JS, not TypeScript: it runs during `npm ci`, before anything else is set up.
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const log = path.join(here, 'build.log');
const require = createRequire(import.meta.url);

function warn(reason) {
  console.warn(`lrsweep: the native blas backend was not built (${reason}); training falls back to wasm. Details: ${log}`);
}

let gyp;
try {
  gyp = require.resolve('node-gyp/bin/node-gyp.js');
} catch {
  warn('node-gyp is not installed');
  process.exit(0);
}
// Node's own headers sit next to the binary in official and distro builds (include/node);
// pointing node-gyp there avoids a headers download, which fails offline.
const prefix = path.dirname(path.dirname(process.execPath));
const nodedir = existsSync(path.join(prefix, 'include', 'node', 'node_api.h')) ? [`--nodedir=${prefix}`] : [];
const out = spawnSync(process.execPath, [gyp, 'rebuild', ...nodedir], { cwd: here, encoding: 'utf8' });
writeFileSync(log, `${out.stdout ?? ''}\n${out.stderr ?? ''}\n${out.error ?? ''}`);
if (out.status !== 0) {
  const missing = /cblas\.h|lopenblas/.test(out.stderr ?? '') ? 'libopenblas-dev is missing' : `node-gyp exited ${out.status}`;
  warn(missing);
} else {
  console.log('lrsweep: built the native blas backend (native/build/Release/lrsweep_blas.node)');
}
