// CPU seconds of the processes behind a benchmarked sweep, read from /proc (Linux): the API,
// the workers, their training processes, the Postgres backends serving the bench's database
// and the bench's own Redis. Two snapshots, before and after a sweep, give what it cost each.
import { readdirSync, readFileSync } from 'node:fs';
import pg from 'pg';

const TICKS = 100; // USER_HZ, 100 on Linux everywhere

/** utime + stime of `pid` in seconds, or undefined once it has gone. */
function cpuSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS;
  } catch {
    return undefined;
  }
}

function parentOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return undefined;
  }
}

const cmdline = (pid: number) => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return '';
  }
};

/** Every process below `root`. */
function descendants(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid)) continue;
    const ppid = parentOf(pid);
    if (ppid !== undefined) children.set(ppid, [...(children.get(ppid) ?? []), pid]);
  }
  const out: number[] = [];
  const walk = (p: number) => (children.get(p) ?? []).forEach((c) => (out.push(c), walk(c)));
  walk(root);
  return out;
}

export type CpuPart = 'api' | 'workers' | 'training' | 'postgres' | 'redis';
export type CpuSnapshot = Map<string, { part: CpuPart; seconds: number }>;

/** CPU seconds so far of each process of the service (`servePid`'s tree), its Postgres backends and its Redis. */
export async function snapshotCpu(o: { servePid: number; databaseUrl: string; database: string; redisPid?: number }): Promise<CpuSnapshot> {
  const snap: CpuSnapshot = new Map();
  const add = (pid: number, part: CpuPart) => {
    const seconds = cpuSeconds(pid);
    if (seconds !== undefined) snap.set(`${part}:${pid}`, { part, seconds });
  };
  for (const pid of descendants(o.servePid)) {
    const cmd = cmdline(pid);
    if (cmd.includes('pack.child')) add(pid, 'training');
    else if (cmd.includes('worker')) add(pid, 'workers');
    else if (cmd.includes('api')) add(pid, 'api');
  }
  const client = new pg.Client({ connectionString: o.databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [o.database]);
    for (const { pid } of rows) add(pid, 'postgres');
  } finally {
    await client.end();
  }
  if (o.redisPid) add(o.redisPid, 'redis');
  return snap;
}

/** CPU seconds each part spent between two snapshots (a process born in between counts whole). */
export function cpuBetween(before: CpuSnapshot, after: CpuSnapshot): Record<CpuPart, number> {
  const out: Record<CpuPart, number> = { api: 0, workers: 0, training: 0, postgres: 0, redis: 0 };
  for (const [key, { part, seconds }] of after) out[part] += seconds - (before.get(key)?.seconds ?? 0);
  return out;
}
