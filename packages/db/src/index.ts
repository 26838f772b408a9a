export {
  createDb,
  disconnectDb,
  inTransaction,
  Prisma,
  PrismaClient,
  type CreateDbOptions,
  type DbClient,
  type TransactionClient,
} from './client.ts';
export type { SweepStatus, TrialState } from './generated/prisma/enums.ts';
export * from './sweeps.repository.ts';
export * from './trials.repository.ts';
export * from './epochs.repository.ts';
export * from './external-trials.repository.ts';
export * from './leaderboard.repository.ts';
export * from './api-keys.repository.ts';
export * from './reconcile.repository.ts';
export * from './deployment.repository.ts';
export * from './project-queue.repository.ts';
export * from './silent-trials.repository.ts';
export {
  checksumOf,
  ensureDatabase,
  migrate,
  MigrationError,
  readMigrations,
  resolveRolledBack,
  type LocalMigration,
  type MigrateOptions,
  type MigrateResult,
} from './migrate.ts';
export { pingDatabase } from './ping-database.ts';
