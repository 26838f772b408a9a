/**
 * Tests that need an optional part of the system (a browser, Debian's torch, util-linux's
 * `script`) call this at collection: `describe.skipIf(!systemPart(...))`. Where the part is
 * present it returns true. Where it is missing it prints one line naming the part and how to
 * install it and returns false, so the suite skips and `npm test` still passes on a machine
 * with only Node, a compiler and the services. Under CI (`CI` set, not `false`/`0`), where
 * `.ci/run` installs every part, it throws instead: a skip there would hide a test that never ran.
 */
export function systemPart(part: string, present: boolean, install: string, env: NodeJS.ProcessEnv = process.env): boolean {
  if (present) return true;
  const line = `lrsweep tests: ${part} is missing, so its tests are skipped; install it with: ${install}`;
  if (env.CI !== undefined && env.CI !== '' && env.CI !== 'false' && env.CI !== '0') {
    throw new Error(`${line}. Under CI every test must run: .ci/run installs it.`);
  }
  process.stderr.write(`${line}\n`);
  return false;
}
