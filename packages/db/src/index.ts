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
export { FINISHED_TRIAL_STATES, type TrialCounts } from './trial-counts.ts';
export * from './sweeps.repository.ts';
export * from './sweep-status.repository.ts';
export * from './trials.repository.ts';
export * from './epochs.repository.ts';
export * from './external-trials.repository.ts';
export * from './leaderboard.repository.ts';
export * from './api-keys.repository.ts';
export * from './sweep-growth.repository.ts';
export * from './deployment.repository.ts';
export * from './project-queue.repository.ts';
export * from './silent-trials.repository.ts';
export * from './rungs.repository.ts';
export {
  checksumOf,
  ensureDatabase,
  migrate,
  MigrationError,
  readMigrations,
  redact,
  resolveRolledBack,
  type LocalMigration,
  type MigrateOptions,
  type MigrateResult,
} from './migrate.ts';
export { pingDatabase } from './ping-database.ts';
export * from './sweep-advance.repository.ts';
