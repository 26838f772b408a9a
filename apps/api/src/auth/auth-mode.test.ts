import { describe, expect, it } from 'vitest';
import { adminCookie, authRequired, cookieValue, isAdminRoute, isBullBoardRoute, isLoopbackHost } from './auth-mode.ts';
import { bearerToken } from './bearer-token.ts';

describe('isLoopbackHost', () => {
  it.each(['127.0.0.1', '127.1.2.3', '::1', '[::1]', 'localhost', 'LOCALHOST', '::ffff:127.0.0.1'])('%s is loopback', (host) => {
    expect(isLoopbackHost(host)).toBe(true);
  });
  it.each(['0.0.0.0', '::', '192.168.1.10', '10.0.0.1', 'example.com', 'localhost.example.com', '128.0.0.1', ''])('%s is not', (host) => {
    expect(isLoopbackHost(host)).toBe(false);
  });
});

describe('authRequired', () => {
  it('is off on loopback unless required, and on for any other address whatever is configured', () => {
    expect(authRequired({ auth: 'auto', host: '127.0.0.1' })).toBe(false);
    expect(authRequired({ auth: 'required', host: '127.0.0.1' })).toBe(true);
    expect(authRequired({ auth: 'auto', host: '0.0.0.0' })).toBe(true);
    expect(authRequired({ auth: 'auto', host: '::' })).toBe(true);
  });
});

describe('bearerToken', () => {
  it('reads a Bearer credential, any scheme case', () => {
    expect(bearerToken('Bearer lrs_abc')).toBe('lrs_abc');
    expect(bearerToken('bearer  lrs_abc ')).toBe('lrs_abc');
  });
  it.each([undefined, '', 'Bearer', 'Bearer ', 'Basic dXNlcjpwYXNz', 'lrs_abc', 'Bearer a b', ['Bearer x', 'Bearer y']])('refuses %j', (header) => {
    expect(bearerToken(header as string | undefined)).toBeUndefined();
  });
});

describe('isAdminRoute', () => {
  it.each([
    ['/metrics', '/metrics'],
    ['/admin/queues', '/admin/queues'],
    ['/admin/queues/', '/admin/queues/'],
    ['/admin/queues/api/queues', '/admin/queues/api/queues'],
    ['/admin/queues/static/*', '/admin/queues/static/js/main.js'],
    // No route matched: the path decides, so Bull Board's 404s are not a way around it.
    [undefined, '/admin/queues/no/such/page'],
  ])('%s (%s) needs an admin key', (route, path) => {
    expect(isAdminRoute(route, path)).toBe(true);
  });
  it.each([
    ['/v1/workers', '/v1/workers'],
    ['/v1/sweeps', '/v1/sweeps'],
    ['/admin/queuesx', '/admin/queuesx'],
    [undefined, '/metricsx'],
  ])('%s (%s) does not', (route, path) => {
    expect(isAdminRoute(route, path)).toBe(false);
  });
  it('takes the cookie on Bull Board only', () => {
    expect(isBullBoardRoute('/admin/queues/api/queues', '/admin/queues/api/queues')).toBe(true);
    expect(isBullBoardRoute('/metrics', '/metrics')).toBe(false);
  });
});

describe('admin cookie', () => {
  it('is HttpOnly, SameSite=Strict, for Bull Board only, and Secure over https', () => {
    expect(adminCookie('lrs_k', false)).toBe('lrsweep_admin=lrs_k; Path=/admin/queues; HttpOnly; SameSite=Strict');
    expect(adminCookie('lrs_k', true)).toBe('lrsweep_admin=lrs_k; Path=/admin/queues; HttpOnly; SameSite=Strict; Secure');
  });
  it('is read from a Cookie header among others', () => {
    expect(cookieValue('a=1; lrsweep_admin=lrs_k; b=2', 'lrsweep_admin')).toBe('lrs_k');
    expect(cookieValue('lrsweep_admin="lrs_k"', 'lrsweep_admin')).toBe('lrs_k');
    expect(cookieValue('x_lrsweep_admin=lrs_k; flag', 'lrsweep_admin')).toBeUndefined();
    expect(cookieValue(undefined, 'lrsweep_admin')).toBeUndefined();
  });
});
