import pg from 'pg';

/** Fails with one line naming the unreachable Postgres (password hidden), for boot-time checks. */
export async function pingDatabase(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3_000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (err) {
    const safe = url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
    throw new Error(`Postgres at ${safe} is unreachable (${(err as Error).message}). Is it running, and has 'npm run db:migrate' created the database?`);
  } finally {
    await client.end().catch(() => {});
  }
}
