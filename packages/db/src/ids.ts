const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Ids arrive from URLs. Postgres rejects a malformed uuid with an error rather than matching
 * nothing, so lookups check first and answer "not found" the way a missing row would.
 */
export function isUuid(id: string): boolean {
  return UUID.test(id);
}
