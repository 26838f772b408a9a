import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { DbClient } from './client.ts';
import { isUuid } from './ids.ts';

/**
 * Keys look like `lrs_` + 43 base64url characters (32 random bytes). The randomness makes a
 * plain sha256 a safe way to store them (no salt or slow hash needed: there is nothing to guess).
 * The `lrs_` tag lets secret scanners and our log scrubber (packages/config logger.ts) spot one.
 */
const KEY_TAG = 'lrs_';
const KEY_PATTERN = /^lrs_[A-Za-z0-9_-]{43}$/;
/** `lrs_` and 8 random characters: shown in listings, and the indexed column a lookup starts from. */
const PREFIX_LENGTH = 12;
/** Project names: what `Sweep.project` holds. */
const PROJECT_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
/** lastUsedAt is a hint for people, not an audit log: written at most once a minute per key. */
const LAST_USED_RESOLUTION_MS = 60_000;

export interface ApiKeyView {
  id: string;
  project: string;
  name: string | null;
  /** The key's first 12 characters (`lrs_` + 8), to tell keys apart. */
  prefix: string;
  /** May read the operator routes that show every project's data (/metrics, /admin/queues). */
  admin: boolean;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

const VIEW = { id: true, project: true, name: true, prefix: true, admin: true, createdAt: true, lastUsedAt: true, revokedAt: true } as const;

export class ApiKeyInputError extends Error {}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

/** Whether `key` has the shape of one of our keys; anything else is refused before a query. */
export function looksLikeApiKey(key: string): boolean {
  return KEY_PATTERN.test(key);
}

/**
 * Creates a key for `project` (an admin one with `admin`). The key itself is returned once and
 * never stored.
 */
export async function createApiKey(
  db: DbClient,
  input: { project: string; name?: string; admin?: boolean },
): Promise<{ key: string; apiKey: ApiKeyView }> {
  if (!PROJECT_PATTERN.test(input.project)) {
    throw new ApiKeyInputError(`project must be 1-64 letters, digits, '.', '_' or '-' starting with a letter or digit, got '${input.project}'`);
  }
  if (input.name !== undefined && (input.name.length === 0 || input.name.length > 200)) {
    throw new ApiKeyInputError('name must be 1-200 characters');
  }
  const key = KEY_TAG + randomBytes(32).toString('base64url');
  const apiKey = await db.apiKey.create({
    data: {
      id: randomUUID(),
      project: input.project,
      name: input.name ?? null,
      prefix: key.slice(0, PREFIX_LENGTH),
      hash: sha256(key).toString('hex'),
      admin: input.admin ?? false,
    },
    select: VIEW,
  });
  return { key, apiKey };
}

/** Keys, newest first; revoked ones only with `includeRevoked`. */
export async function listApiKeys(db: DbClient, opts: { project?: string; includeRevoked?: boolean } = {}): Promise<ApiKeyView[]> {
  return db.apiKey.findMany({
    where: { ...(opts.project === undefined ? {} : { project: opts.project }), ...(opts.includeRevoked ? {} : { revokedAt: null }) },
    orderBy: [{ createdAt: 'desc' }, { id: 'asc' }],
    select: VIEW,
  });
}

/** Revokes a key at once; revoking twice keeps the first time. Null when no key has this id. */
export async function revokeApiKey(db: DbClient, id: string): Promise<ApiKeyView | null> {
  if (!isUuid(id)) return null;
  await db.apiKey.updateMany({ where: { id, revokedAt: null }, data: { revokedAt: new Date() } });
  return db.apiKey.findUnique({ where: { id }, select: VIEW });
}

/**
 * The live key `key` is, or null (unknown, revoked or malformed). Rows are found by their
 * prefix and the digests compared in constant time, so response times say nothing about how
 * much of a guessed key was right.
 */
export async function verifyApiKey(db: DbClient, key: string): Promise<{ id: string; project: string; admin: boolean } | null> {
  if (!looksLikeApiKey(key)) return null;
  const candidates = await db.apiKey.findMany({
    where: { prefix: key.slice(0, PREFIX_LENGTH), revokedAt: null },
    select: { id: true, project: true, admin: true, hash: true, lastUsedAt: true },
  });
  const digest = sha256(key);
  const match = candidates.find((c) => {
    const stored = Buffer.from(c.hash, 'hex');
    return stored.length === digest.length && timingSafeEqual(stored, digest);
  });
  if (!match) return null;
  const now = Date.now();
  if (!match.lastUsedAt || now - match.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) {
    await db.apiKey.update({ where: { id: match.id }, data: { lastUsedAt: new Date(now) } });
  }
  return { id: match.id, project: match.project, admin: match.admin };
}
