import { defineConfig } from 'vitest/config';

// Two projects so fast unit tests and service-backed integration tests can run apart:
// `npm run test:unit`, `npm run test:int`; `npm test` runs both.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['{apps,packages}/*/{src,test}/**/*.test.ts'],
          exclude: ['**/*.int.test.ts', '**/node_modules/**'],
          testTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'int',
          // scripts/: the short chaos run (scripts/chaos).
          include: ['{apps,packages}/*/{src,test}/**/*.int.test.ts', 'scripts/**/*.int.test.ts'],
          exclude: ['**/node_modules/**'],
          // Integration suites start real workers against one Postgres and one Redis on a
          // 2-core machine: running their files one at a time keeps them from starving each other.
          pool: 'forks',
          poolOptions: { forks: { singleFork: true } },
          testTimeout: 180_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
