import type { FastifyError, FastifyInstance } from 'fastify';
import type { Issue } from '@lrsweep/contracts';

/** An error with a stable code clients can branch on; the message is safe to show. */
export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly statusCode: number,
    readonly issues?: Issue[],
  ) {
    super(message);
  }
}

export const notFound = (what: string, id: string) => new ApiError(`LRS_${what.toUpperCase()}_NOT_FOUND`, `${what} ${id} not found`, 404);

export const invalid = (issues: Issue[]) =>
  new ApiError('LRS_VALIDATION', issues.map((i) => `${i.path || '/'}: ${i.message}`).join('; '), 400, issues);

/** Ajv's errors as JSON-pointer issues; `additionalProperties` names the unknown field itself. */
export function ajvIssues(error: FastifyError): Issue[] {
  const part = error.validationContext ?? 'body';
  return (error.validation ?? []).map((v) => {
    const params = v.params as Record<string, unknown>;
    const base = `${part === 'body' ? '' : '/' + part}${v.instancePath}`;
    if (v.keyword === 'additionalProperties') {
      return { path: `${base}/${String(params.additionalProperty)}`, message: 'unknown field' };
    }
    if (v.keyword === 'required') {
      return { path: `${base}/${String(params.missingProperty)}`, message: 'is required' };
    }
    return { path: base || '/', message: v.message ?? 'is invalid' };
  });
}

/** One error handler: stable codes, every bad field named, and no internals in a 5xx. */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error.validation) {
      const err = invalid(ajvIssues(error));
      return reply.status(400).send({ error: { code: err.code, message: err.message, issues: err.issues } });
    }
    if (error instanceof ApiError) {
      return reply.status(error.statusCode).send({ error: { code: error.code, message: error.message, issues: error.issues } });
    }
    const status = error.statusCode ?? 500;
    if (status < 500) {
      // Clients branch on our codes, never on a framework's internal ones.
      const code = status === 413 ? 'LRS_BODY_TOO_LARGE' : error.code?.startsWith('LRS_') ? error.code : 'LRS_BAD_REQUEST';
      return reply.status(status).send({ error: { code, message: error.message } });
    }
    request.log.error({ err: error }, 'request failed');
    if (isUnavailable(error)) {
      return reply.status(503).send({ error: { code: 'LRS_UNAVAILABLE', message: 'a backing service (Postgres or Redis) is unreachable; retry shortly' } });
    }
    return reply.status(500).send({ error: { code: 'LRS_INTERNAL', message: 'internal error' } });
  });
  app.setNotFoundHandler((request, reply) =>
    reply.status(404).send({ error: { code: 'LRS_ROUTE_NOT_FOUND', message: `no route ${request.method} ${request.url.split('?')[0]}` } }),
  );
}

function isUnavailable(error: Error): boolean {
  const text = `${error.name} ${error.message} ${(error as { code?: string }).code ?? ''}`;
  return /ECONNREFUSED|ECONNRESET|ETIMEDOUT|Connection is closed|Can't reach database|P1001|P1017|terminating connection|Connection terminated|not queryable|Stream isn't writeable/i.test(text);
}
