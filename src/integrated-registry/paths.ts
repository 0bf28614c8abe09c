import { dnsLabelProblem, tagProblem } from '../domain/names';
import { digestProblem } from '../oci/reference';
import { OciError } from './errors';

export type Route =
  | { kind: 'base' }
  | { kind: 'catalog' }
  | { kind: 'uploads'; name: string }
  | { kind: 'upload'; name: string; id: string }
  | { kind: 'blob'; name: string; digest: string }
  | { kind: 'manifest'; name: string; reference: string }
  | { kind: 'tags'; name: string }
  | { kind: 'referrers'; name: string; digest: string };

const nameError = (message: string) => new OciError(400, 'NAME_INVALID', message);

/** Repositories are `<namespace>/<stream>`, both DNS labels: no other shape, no path tricks. */
export function checkName(name: string): string {
  const parts = name.split('/');
  if (parts.length !== 2) throw nameError(`repository "${name}" must be <namespace>/<stream>`);
  for (const part of parts) {
    const problem = dnsLabelProblem(part);
    if (problem) throw nameError(`repository "${name}": "${part}" ${problem}`);
  }
  return name;
}

export function checkDigest(digest: string): string {
  const problem = digestProblem(digest);
  if (problem || !digest.startsWith('sha256:'))
    throw new OciError(400, 'DIGEST_INVALID', problem ?? 'only sha256 digests are stored');
  return digest;
}

const readsOnly = new Set(['GET', 'HEAD', 'DELETE']);

/**
 * A tag or digest. A tag that breaks the rules cannot exist: reading or deleting it answers 404
 * MANIFEST_UNKNOWN, as for any missing manifest; pushing to it is refused as invalid.
 */
function checkReference(reference: string, method: string): string {
  if (reference.includes(':')) return checkDigest(reference);
  const problem = tagProblem(reference);
  if (problem && readsOnly.has(method))
    throw new OciError(404, 'MANIFEST_UNKNOWN', `manifest "${reference}" cannot exist: ${problem}`);
  if (problem) throw new OciError(400, 'MANIFEST_INVALID', `tag "${reference}" ${problem}`);
  return reference;
}

/** Maps a /v2 path to its endpoint; anything else is a 404 NAME_UNKNOWN or a 400. */
export function parseRoute(pathname: string, method: string): Route | null {
  if (pathname === '/v2/' || pathname === '/v2') return { kind: 'base' };
  if (pathname === '/v2/_catalog') return { kind: 'catalog' };
  const rest = pathname.slice('/v2/'.length);
  const segments = rest.replace(/\/$/, '').split('/');
  if (
    segments.some(
      (segment) => segment === '' || segment === '.' || segment === '..' || segment.includes('%'),
    )
  ) {
    throw nameError('path segments must not be empty, "." or "..", nor escaped');
  }
  let match = /^(.+)\/blobs\/uploads\/?$/.exec(rest);
  if (match) return { kind: 'uploads', name: checkName(match[1]) };
  match = /^(.+)\/blobs\/uploads\/([^/]+)$/.exec(rest);
  if (match) return { kind: 'upload', name: checkName(match[1]), id: match[2] };
  match = /^(.+)\/blobs\/([^/]+)$/.exec(rest);
  if (match) return { kind: 'blob', name: checkName(match[1]), digest: checkDigest(match[2]) };
  match = /^(.+)\/manifests\/([^/]+)$/.exec(rest);
  if (match)
    return {
      kind: 'manifest',
      name: checkName(match[1]),
      reference: checkReference(match[2], method),
    };
  match = /^(.+)\/tags\/list$/.exec(rest);
  if (match) return { kind: 'tags', name: checkName(match[1]) };
  match = /^(.+)\/referrers\/([^/]+)$/.exec(rest);
  if (match) return { kind: 'referrers', name: checkName(match[1]), digest: checkDigest(match[2]) };
  return null;
}
