import { upstreamError } from '../upstream-error';

/**
 * The `rel="next"` target of an RFC 5988 Link header, as a path and query on the registry itself.
 * A link to another origin or outside /v2/ is refused: regql follows links only where it was sent.
 */
export function nextLink(header: string | undefined, base: URL): string | null {
  if (!header) return null;
  for (const part of header.split(/,(?=\s*<)/)) {
    const match = /^\s*<([^>]*)>\s*;(.*)$/.exec(part);
    if (!match || !/\brel\s*=\s*"?next"?/i.test(match[2])) continue;
    const target = new URL(match[1], base);
    if (target.origin !== base.origin || !target.pathname.startsWith('/v2/')) {
      throw upstreamError('UPSTREAM_INVALID', `next-page link points outside ${base.origin}/v2/`);
    }
    return target.pathname + target.search;
  }
  return null;
}
