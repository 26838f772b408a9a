import { afterEach, describe, expect, it, vi } from 'vitest';
import { systemPart } from './system-parts.ts';

describe('systemPart', () => {
  afterEach(() => void vi.restoreAllMocks());

  it('is true and silent where the part is present, even under CI', () => {
    const write = vi.spyOn(process.stderr, 'write').mockReturnValue(true);
    expect(systemPart('Chromium', true, 'apt-get install -y chromium', { CI: 'true' })).toBe(true);
    expect(write).not.toHaveBeenCalled();
  });

  it('prints one line naming what is missing and how to install it, and skips, off CI', () => {
    const write = vi.spyOn(process.stderr, 'write').mockReturnValue(true);
    for (const CI of [undefined, '', 'false', '0']) {
      expect(systemPart('Chromium', false, 'apt-get install -y chromium', { CI })).toBe(false);
    }
    expect(write).toHaveBeenCalledTimes(4);
    expect(write).toHaveBeenLastCalledWith('lrsweep tests: Chromium is missing, so its tests are skipped; install it with: apt-get install -y chromium\n');
  });

  it('fails under CI instead of skipping', () => {
    const write = vi.spyOn(process.stderr, 'write').mockReturnValue(true);
    expect(() => systemPart('torch', false, 'apt-get install -y python3-torch', { CI: 'true' })).toThrow(/torch is missing.*Under CI every test must run/);
    expect(() => systemPart('torch', false, 'apt-get install -y python3-torch', { CI: '1' })).toThrow(Error);
    expect(write).not.toHaveBeenCalled();
  });
});
