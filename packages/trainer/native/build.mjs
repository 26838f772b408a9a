// Builds the native addon of the `blas` training backend (run by the root postinstall, or
// `npm run build:native`). It needs only a C++ compiler: the sgemm kernels are our own
// (src/sgemm.cc). It never fails the install: without a compiler it prints one warning line,
// and backend selection skips `blas` (workers train on wasm).
// Where OpenBLAS's headers are installed it also builds openblas-reference/, which only the
// sgemm benchmark and tests load, to compare against; its absence is not worth a warning.
// Plain JS, not TypeScript: it runs during `npm ci`, before anything else is set up.
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

let gyp;
try {
  gyp = require.resolve('node-gyp/bin/node-gyp.js');
} catch {
  console.warn('lrsweep: the native blas backend was not built (node-gyp is not installed); training falls back to wasm.');
  process.exit(0);
}
// Node's own headers sit next to the binary in official and distro builds (include/node);
// pointing node-gyp there avoids a headers download, which fails offline.
const prefix = path.dirname(path.dirname(process.execPath));
const nodedir = existsSync(path.join(prefix, 'include', 'node', 'node_api.h')) ? [`--nodedir=${prefix}`] : [];

/** Runs node-gyp in `dir`, writes its output to `dir/build.log`; returns its stderr, or null when it succeeded. */
function build(dir) {
  const out = spawnSync(process.execPath, [gyp, 'rebuild', ...nodedir], { cwd: dir, encoding: 'utf8' });
  writeFileSync(path.join(dir, 'build.log'), `${out.stdout ?? ''}\n${out.stderr ?? ''}\n${out.error ?? ''}`);
  return out.status === 0 ? null : `node-gyp exited ${out.status}`;
}

const failed = build(here);
if (failed) {
  console.warn(`lrsweep: the native blas backend was not built (${failed}; is a C++ compiler installed?); training falls back to wasm. Details: ${path.join(here, 'build.log')}`);
  process.exit(0);
}
console.log('lrsweep: built the native blas backend (native/build/Release/lrsweep_blas.node)');

const cblasHeaders = ['/usr/include', '/usr/include/openblas', `/usr/include/${process.arch === 'arm64' ? 'aarch64' : 'x86_64'}-linux-gnu`, '/usr/local/include'];
if (cblasHeaders.some((dir) => existsSync(path.join(dir, 'cblas.h')))) {
  const reference = path.join(here, 'openblas-reference');
  if (!build(reference)) console.log('lrsweep: built the OpenBLAS reference for `npm run bench:sgemm` (native/openblas-reference/)');
}
