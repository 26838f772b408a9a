// The `lrsweep` binary (bin/lrsweep.js loads it): one command line, its exit code.
import { runCli } from './cli.ts';

process.exitCode = await runCli(process.argv.slice(2));
