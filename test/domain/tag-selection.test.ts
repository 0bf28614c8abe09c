import { nextImportAt } from '../../src/domain/schedule';
import { parsePlatform, pickPlatform } from '../../src/domain/platform';
import { importOrder, parseTagFilter, selectTags } from '../../src/domain/tag-selection';

describe('which tags an import takes', () => {
  it('puts latest first, then versions newest first, then the rest by name', () => {
    expect(['dev', 'v1.2.0', 'latest', '1.10', 'v1.9.3', 'alpha', '2'].sort(importOrder)).toEqual([
      'latest',
      '2',
      '1.10',
      'v1.9.3',
      'v1.2.0',
      'alpha',
      'dev',
    ]);
  });

  it('caps at the limit and reports the rest', () => {
    const tags = Array.from({ length: 5 }, (_, i) => `v${i}.0.0`);
    expect(selectTags(tags, 2, null)).toEqual({
      selected: ['v4.0.0', 'v3.0.0'],
      additional: ['v2.0.0', 'v1.0.0', 'v0.0.0'],
    });
  });

  it.each([
    ['>=1.2 <2', ['1.2.0', 'v1.5', '1.9.9'], ['1.1', '2.0.0', 'latest', '1.5.0-rc1']],
    ['^1.4', ['1.4.0', '1.9'], ['1.3.9', '2.0']],
    ['semver:1.x', ['1.0', '1.7.2'], ['2.1']],
    ['v2\\..*', ['v2.1', 'v2.x'], ['v21', 'v1.2']],
    ['stable|latest', ['stable', 'latest'], ['stable-1']],
  ])('reads %s as it reads', (filter, yes, no) => {
    const parsed = parseTagFilter(filter);
    for (const tag of yes) expect([tag, parsed.matches(tag)]).toEqual([tag, true]);
    for (const tag of no) expect([tag, parsed.matches(tag)]).toEqual([tag, false]);
  });

  it('refuses a filter that is neither', () => {
    expect(() => parseTagFilter('(')).toThrow(/neither a semver range nor a regular expression/);
    expect(() => parseTagFilter('semver:not a range')).toThrow(/not a semver range/);
  });
});

describe('platforms and schedules', () => {
  it('picks the platform of a manifest list, the variant only when asked', () => {
    const list = [
      { digest: 'a', platform: { os: 'linux', architecture: 'arm', variant: 'v6' } },
      { digest: 'b', platform: { os: 'linux', architecture: 'arm', variant: 'v7' } },
    ];
    expect(pickPlatform(list, parsePlatform('linux/arm/v7'))?.digest).toBe('b');
    expect(pickPlatform(list, parsePlatform('linux/arm'))?.digest).toBe('a');
    expect(pickPlatform(list, parsePlatform('linux/amd64'))).toBeUndefined();
    expect(() => parsePlatform('linux')).toThrow(/os\/architecture/);
  });

  it('schedules one interval after success and backs off after failures, up to a cap', () => {
    const settings = { intervalMs: 1000, jitter: 0, maxBackoffMs: 5000 };
    expect(nextImportAt(0, 0, settings)).toBe(1000);
    expect(nextImportAt(0, 1, settings)).toBe(1000);
    expect(nextImportAt(0, 3, settings)).toBe(4000);
    expect(nextImportAt(0, 10, settings)).toBe(5000);
    expect(nextImportAt(0, 0, { ...settings, jitter: 0.5 }, () => 0.999)).toBe(1499);
  });
});
