export type Challenge =
  | { scheme: 'Bearer'; realm: string; service?: string }
  | { scheme: 'Basic'; realm?: string }
  | { scheme: 'none' };

/** Reads `WWW-Authenticate: Bearer realm="..",service="..",scope=".."` (quoted values may hold commas). */
export function parseChallenge(header: string | undefined): Challenge | null {
  if (!header) return null;
  const match = /^\s*(\w+)\s*(.*)$/s.exec(header);
  if (!match) return null;
  const scheme = match[1].toLowerCase();
  const params: Record<string, string> = {};
  for (const p of match[2].matchAll(/(\w+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]+))/g)) {
    params[p[1].toLowerCase()] = (p[2] ?? p[3]).replace(/\\(.)/g, '$1');
  }
  if (scheme === 'bearer' && params.realm) {
    return {
      scheme: 'Bearer',
      realm: params.realm,
      ...(params.service && { service: params.service }),
    };
  }
  if (scheme === 'basic') return { scheme: 'Basic', ...(params.realm && { realm: params.realm }) };
  return null;
}
