/**
 * The key in an `Authorization: Bearer <key>` header; undefined when there is no such header
 * or it is not a Bearer credential (RFC 6750: the scheme is case-insensitive).
 */
export function bearerToken(header: string | string[] | undefined): string | undefined {
  if (typeof header !== 'string') return undefined;
  const match = /^Bearer +(\S+)$/i.exec(header.trim());
  return match?.[1];
}
