import { createHash } from 'node:crypto';

export const sha256Digest = (data: Buffer | string): string =>
  `sha256:${createHash('sha256').update(data).digest('hex')}`;

/** Checks bytes against a digest; only sha256 and sha512 are computed, as registries use. */
export function digestMatches(digest: string, data: Buffer): boolean {
  const [algorithm, hex] = digest.split(':', 2);
  if (algorithm !== 'sha256' && algorithm !== 'sha512') return false;
  return createHash(algorithm).update(data).digest('hex') === hex;
}
