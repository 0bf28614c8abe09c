import type { ServerResponse } from 'node:http';
import { pullerOf } from '../auth/pull-access';
import { OCI_INDEX } from '../oci/media-types';
import type { Access, ApiContext } from './api-context';
import { API_VERSION } from './api-version';
import { OciError } from './errors';

const PAGE_DEFAULT = 100;
const PAGE_MAX = 1000;

function pageParams(url: URL): { n: number; last: string | null } {
  const raw = url.searchParams.get('n');
  const n = raw === null ? PAGE_DEFAULT : Number(raw);
  if (!Number.isInteger(n) || n < 0)
    throw new OciError(400, 'UNSUPPORTED', 'n must be a whole number');
  return { n: Math.min(n, PAGE_MAX), last: url.searchParams.get('last') };
}

/** Answers one page, linking the next one when more follow. */
function sendPage(res: ServerResponse, path: string, n: number, next: string | null, body: object) {
  const json = JSON.stringify(body);
  res.writeHead(200, {
    ...API_VERSION,
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(json),
    ...(next && {
      link: `<${path}?${new URLSearchParams({ n: String(n), last: next })}>; rel="next"`,
    }),
  });
  res.end(json);
}

export async function tags(
  ctx: ApiContext,
  res: ServerResponse,
  url: URL,
  name: string,
): Promise<void> {
  const { n, last } = pageParams(url);
  if (!(await ctx.content.repositoryExists(name)))
    throw new OciError(404, 'NAME_UNKNOWN', `no repository ${name}`);
  const { items, next } = await ctx.content.tags(name, n, last);
  sendPage(res, `/v2/${name}/tags/list`, n, next, { name, tags: items.map((t) => t.tag) });
}

export async function catalog(
  ctx: ApiContext,
  host: string | undefined,
  res: ServerResponse,
  url: URL,
  access: Access | null,
): Promise<void> {
  if (!access?.catalog || !access.identity) {
    throw new OciError(401, 'UNAUTHORIZED', 'the catalog needs a signed-in caller', {
      'www-authenticate': ctx.challenge(host, 'registry:catalog:*'),
    });
  }
  const { n, last } = pageParams(url);
  const namespaces = await ctx.deps.pulls.readable(pullerOf(access.identity));
  const { items, next } = await ctx.content.repositories(n, last, namespaces);
  sendPage(res, '/v2/_catalog', n, next, { repositories: items });
}

export async function referrers(
  ctx: ApiContext,
  res: ServerResponse,
  url: URL,
  name: string,
  digest: string,
): Promise<void> {
  const artifactType = url.searchParams.get('artifactType');
  const rows = (await ctx.content.referrers(name, digest)).filter(
    (r) => !artifactType || r.artifact_type === artifactType,
  );
  const body = JSON.stringify({
    schemaVersion: 2,
    mediaType: OCI_INDEX,
    manifests: rows.map((r) => ({
      mediaType: r.media_type,
      digest: r.digest,
      size: r.size,
      ...(r.artifact_type && { artifactType: r.artifact_type }),
      ...(r.annotations && { annotations: JSON.parse(r.annotations) as Record<string, string> }),
    })),
  });
  res.writeHead(200, {
    ...API_VERSION,
    'content-type': OCI_INDEX,
    'content-length': Buffer.byteLength(body),
    ...(artifactType && { 'oci-filters-applied': 'artifactType' }),
  });
  res.end(body);
}
