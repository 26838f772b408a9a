import { PrismaPg } from '@prisma/adapter-pg';
import { Prisma, PrismaClient } from './generated/prisma/client.ts';

export { PrismaClient, Prisma };

/** An open transaction, as handed to the callback of `db.$transaction(async (tx) => ...)`. */
export type TransactionClient = Prisma.TransactionClient;

/**
 * What every repository function takes first: the root client or an open transaction, so a
 * caller can compose several repository calls into one transaction.
 */
export type DbClient = PrismaClient | TransactionClient;

export interface CreateDbOptions {
  /**
   * Connections in the pool. A worker runs one trial at a time and needs few; the API more.
   * @defaultValue 10
   */
  poolSize?: number;
}

/** A Prisma client over node-postgres. Prisma 7 needs the driver adapter; there is no engine binary. */
export function createDb(url: string, opts: CreateDbOptions = {}): PrismaClient {
  const adapter = new PrismaPg({ connectionString: url, max: opts.poolSize ?? 10 });
  return new PrismaClient({ adapter });
}

export async function disconnectDb(db: PrismaClient): Promise<void> {
  await db.$disconnect();
}

/**
 * Runs `fn` in a transaction, or inside the caller's when `db` already is one: Prisma cannot
 * nest interactive transactions, and repository functions must compose either way.
 */
export async function inTransaction<T>(db: DbClient, fn: (tx: TransactionClient) => Promise<T>): Promise<T> {
  if ('$transaction' in db) return db.$transaction(fn);
  return fn(db);
}
