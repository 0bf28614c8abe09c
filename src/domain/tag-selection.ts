import RE2 from 're2';
import semver from 'semver';
import { invalidInput } from '../core/errors';

export const DEFAULT_IMPORT_LIMIT = 50;
export const MAX_IMPORT_LIMIT = 10_000;

export interface TagFilter {
  describe: string;
  matches(tag: string): boolean;
}

const versionLike = /^v?\d+(\.\d+){0,2}([-+].*)?$/;
const rangeLike = /^[\d\s<>=^~xX*.|-]+$/;

function versionOf(tag: string): semver.SemVer | null {
  return versionLike.test(tag) ? semver.coerce(tag, { includePrerelease: true }) : null;
}

/**
 * A semver range (`>=1.2 <2`, `^1.4`, `1.x`, or anything after `semver:`) or else a regular
 * expression (RE2 syntax) over the whole tag name.
 */
export function parseTagFilter(filter: string): TagFilter {
  if (filter.length > 200) throw invalidInput('tagFilter must be at most 200 characters');
  const forced = filter.startsWith('semver:');
  const range = forced ? filter.slice('semver:'.length).trim() : filter.trim();
  if (forced || (rangeLike.test(range) && semver.validRange(range))) {
    if (!semver.validRange(range))
      throw invalidInput(`tagFilter "${filter}" is not a semver range`);
    return {
      describe: `semver range ${range}`,
      matches: (tag) => {
        const version = versionOf(tag);
        return version !== null && semver.satisfies(version, range, { includePrerelease: false });
      },
    };
  }
  // RE2 runs in time linear in the tag's length whatever the pattern: no backtracking, so no
  // backreferences or lookarounds either.
  let regex: RE2;
  try {
    regex = new RE2(`^(?:${filter})$`, 'u');
  } catch (err) {
    throw invalidInput(
      `tagFilter "${filter}" is neither a semver range nor a regular expression without backreferences or lookarounds: ${(err as Error).message}`,
    );
  }
  return { describe: `regular expression ${filter}`, matches: (tag) => regex.test(tag) };
}

/** `latest` first, then versions newest first, then the rest by name: what a cap should keep. */
export function importOrder(a: string, b: string): number {
  if (a === 'latest' || b === 'latest') return a === 'latest' ? -1 : b === 'latest' ? 1 : 0;
  const va = versionOf(a);
  const vb = versionOf(b);
  if (va && vb) return semver.rcompare(va, vb) || (a < b ? -1 : a > b ? 1 : 0);
  if (va || vb) return va ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The tags an `all` import takes (at most `limit`) and those it leaves, which are reported, never hidden. */
export function selectTags(
  tags: string[],
  limit: number,
  filter: TagFilter | null,
): { selected: string[]; additional: string[] } {
  const candidates = (filter ? tags.filter((t) => filter.matches(t)) : tags).sort(importOrder);
  return { selected: candidates.slice(0, limit), additional: candidates.slice(limit) };
}
