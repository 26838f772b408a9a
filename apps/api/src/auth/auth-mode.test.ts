import { describe, expect, it } from 'vitest';
import { authRequired, isLoopbackHost } from './auth-mode.ts';
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
