import { createHash, randomBytes } from 'node:crypto';

const prefix = 'rgq_';

/** A new bearer token: high entropy, so a plain SHA-256 is a safe stored form. */
export function newTokenSecret(): string {
  return prefix + randomBytes(32).toString('base64url');
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export function newId(kind: string): string {
  return `${kind}_${randomBytes(9).toString('base64url')}`;
}

/** Reads `Bearer x` (or a bare token, as graphql-ws clients often send it). */
export function tokenFromAuthorization(value: unknown): string | null {
  if (typeof value !== 'string' || value.length === 0) return null;
  const match = /^Bearer\s+(\S+)$/i.exec(value.trim());
  if (match) return match[1];
  return /^\S+$/.test(value.trim()) ? value.trim() : null;
}
