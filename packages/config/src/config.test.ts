import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';

describe('security settings', () => {
  it('default to auth by address, 600 requests a minute and no CORS origins', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ auth: 'auto', rateLimitMax: 600, rateLimitWindowMs: 60_000, corsOrigins: [] });
  });

  it('read LRSWEEP_AUTH, the rate limit and a comma-separated origin list', () => {
    const config = loadConfig({ LRSWEEP_AUTH: 'required', LRSWEEP_RATE_LIMIT: '0', LRSWEEP_CORS_ORIGINS: 'https://a.example, http://localhost:5173' });
    expect(config).toMatchObject({ auth: 'required', rateLimitMax: 0, corsOrigins: ['https://a.example', 'http://localhost:5173'] });
  });

  it.each([
    [undefined, false],
    ['false', false],
    ['true', true],
    ['10.0.0.0/8, ::1', ['10.0.0.0/8', '::1']],
  ] as const)('read LRSWEEP_TRUST_PROXY=%s as %j', (raw, trustProxy) => {
    expect(loadConfig(raw === undefined ? {} : { LRSWEEP_TRUST_PROXY: raw }).trustProxy).toEqual(trustProxy);
  });

  it.each([
    [{ LRSWEEP_TRUST_PROXY: 'yes' }, /LRSWEEP_TRUST_PROXY/],
    [{ LRSWEEP_TRUST_PROXY: '2' }, /LRSWEEP_TRUST_PROXY/],
    [{ LRSWEEP_AUTH: 'off' }, /LRSWEEP_AUTH/],
    [{ LRSWEEP_RATE_LIMIT: '-1' }, /LRSWEEP_RATE_LIMIT/],
    [{ LRSWEEP_CORS_ORIGINS: 'https://a.example/' }, /LRSWEEP_CORS_ORIGINS.*no trailing slash/],
    [{ LRSWEEP_CORS_ORIGINS: '*' }, /LRSWEEP_CORS_ORIGINS/],
    [{ LRSWEEP_CORS_ORIGINS: 'ftp://a.example' }, /LRSWEEP_CORS_ORIGINS/],
  ])('refuse %j', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });
});

describe('LRSWEEP_PACK', () => {
  it('is unset by default (the worker picks for its backend) and read as an integer', () => {
    expect(loadConfig({}).pack).toBeUndefined();
    expect(loadConfig({ LRSWEEP_PACK: '1' }).pack).toBe(1);
    expect(loadConfig({ LRSWEEP_PACK: '12' }).pack).toBe(12);
  });

  it.each(['0', '-2', '1.5', 'four', '257'])('refuses %s, naming the variable', (raw) => {
    expect(() => loadConfig({ LRSWEEP_PACK: raw })).toThrow(/LRSWEEP_PACK/);
  });
});
