// Every call to the API goes through here: the API key (when the API requires one) is kept
// in localStorage and sent as a bearer token, or as ?key= where a header cannot be sent.

const KEY = 'lrsweep.apiKey';

export const apiKey = {
  get: () => localStorage.getItem(KEY) ?? '',
  set: (value) => (value ? localStorage.setItem(KEY, value) : localStorage.removeItem(KEY)),
};

/** An error answer of the API: `code`, `message` and, for a 400, `issues` by JSON pointer. */
export class ApiError extends Error {
  constructor(status, body) {
    super(body?.error?.message ?? `HTTP ${status}`);
    this.status = status;
    this.code = body?.error?.code;
    this.issues = body?.error?.issues ?? [];
  }
}

export async function api(path, { method = 'GET', body } = {}) {
  const headers = {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (apiKey.get()) headers.authorization = `Bearer ${apiKey.get()}`;
  const res = await fetch(path, { method, headers, body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body) });
  const json = res.status === 204 ? null : await res.json().catch(() => null);
  if (!res.ok) throw new ApiError(res.status, json);
  return json;
}

/** EventSource cannot send headers, so the key travels as ?key= (the API allows it on this route only). */
export function eventsUrl(sweepId) {
  const key = apiKey.get();
  return `/v1/sweeps/${sweepId}/events${key ? `?key=${encodeURIComponent(key)}` : ''}`;
}

/** Runs `fn` at most `limit` at a time, keeping the browser's connections for the event stream. */
export async function inBatches(items, limit, fn) {
  const out = [];
  for (let i = 0; i < items.length; i += limit) out.push(...(await Promise.all(items.slice(i, i + limit).map(fn))));
  return out;
}
