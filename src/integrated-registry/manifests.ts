import type { IncomingMessage, ServerResponse } from 'node:http';
import { MAX_MANIFEST_BYTES } from '../oci/manifest';
import { sendCreated, type ApiContext } from './api-context';
import { API_VERSION } from './api-version';
import { OciError } from './errors';
import type { Route } from './paths';
import { storeManifest } from './store-manifest';
import { BodyTooLargeError, readBodyBytes } from '../core/read-body';

/** The manifest's bytes; past MAX_MANIFEST_BYTES, a 413 that drops the connection. */
async function readManifest(req: IncomingMessage): Promise<Buffer> {
  try {
    return await readBodyBytes(req, MAX_MANIFEST_BYTES);
  } catch (err) {
    if (!(err instanceof BodyTooLargeError)) throw err;
    throw new OciError(413, 'MANIFEST_INVALID', `a manifest may hold at most ${err.limit} bytes`, {
      connection: 'close',
    });
  }
}

async function putManifest(
  ctx: ApiContext,
  req: IncomingMessage,
  res: ServerResponse,
  name: string,
  reference: string,
): Promise<void> {
  const bytes = await readManifest(req);
  const contentType = (req.headers['content-type'] ?? '').split(';')[0].trim();
  const { digest, subject } = await storeManifest(
    { content: ctx.content, blobs: ctx.deps.blobs, quota: ctx.quota, pushes: ctx.deps.pushes },
    name,
    reference,
    bytes,
    contentType,
  );
  sendCreated(
    res,
    `/v2/${name}/manifests/${digest}`,
    digest,
    subject ? { 'oci-subject': subject } : {},
  );
}

/** PUT, GET, HEAD and DELETE of a manifest by tag or digest. */
export async function manifests(
  ctx: ApiContext,
  req: IncomingMessage,
  res: ServerResponse,
  { name, reference }: Extract<Route, { kind: 'manifest' }>,
): Promise<void> {
  if (req.method === 'PUT') return putManifest(ctx, req, res, name, reference);
  if (req.method === 'DELETE') {
    const removed = reference.includes(':')
      ? await ctx.deps.pushes.manifestDeleted(name, reference)
      : await ctx.deps.pushes.tagDeleted(name, reference);
    if (!removed)
      throw new OciError(404, 'MANIFEST_UNKNOWN', `no manifest ${reference} in ${name}`);
    res.writeHead(202, { ...API_VERSION, 'content-length': 0 });
    return void res.end();
  }
  const row = await ctx.pullThrough.manifest(name, reference);
  if (!row) throw new OciError(404, 'MANIFEST_UNKNOWN', `no manifest ${reference} in ${name}`);
  const bytes = req.method === 'HEAD' ? undefined : await ctx.deps.blobs.readAll(row.digest);
  res.writeHead(200, {
    ...API_VERSION,
    'content-type': row.media_type,
    'content-length': row.size,
    'docker-content-digest': row.digest,
  });
  res.end(bytes);
}
