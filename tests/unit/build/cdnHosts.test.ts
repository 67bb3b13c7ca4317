import { describe, expect, it } from 'vitest';
import { cdnCoolDownMsFromEnv, cdnHostsFromEnv } from 'holdfast/build';

describe('CDN_HOSTS', () => {
  it('is a comma-separated list of origins, in order, trimmed and normalised', () => {
    expect(cdnHostsFromEnv(' https://fastly.example/ , https://azure.example:443,http://cdn.test:8080')).toEqual([
      'https://fastly.example',
      'https://azure.example',
      'http://cdn.test:8080',
    ]);
    expect(cdnHostsFromEnv('')).toEqual([]);
  });

  it('refuses what is not an http(s) origin, or a host named twice, saying which', () => {
    expect(() => cdnHostsFromEnv('fastly.example')).toThrow(/"fastly.example" is not an origin/);
    expect(() => cdnHostsFromEnv('https://cdn.example/static')).toThrow(/no path/);
    expect(() => cdnHostsFromEnv('ftp://cdn.example')).toThrow(/not an origin/);
    expect(() => cdnHostsFromEnv('https://a.example,https://a.example/')).toThrow(/twice/);
  });

  it('CDN_COOL_DOWN_MS must be a positive number', () => {
    expect(cdnCoolDownMsFromEnv(undefined)).toBe(10_000);
    expect(cdnCoolDownMsFromEnv('1500')).toBe(1500);
    expect(() => cdnCoolDownMsFromEnv('soon')).toThrow(/positive number/);
    expect(() => cdnCoolDownMsFromEnv('0')).toThrow(/positive number/);
  });
});
