import type { IncomingMessage, ServerResponse } from 'node:http';
import { RegqlError } from '../core/errors';
import { sha256Digest } from '../oci/digest';
import { MAX_MANIFEST_BYTES, parseManifest } from '../oci/manifest';
import { manifestMediaTypes } from '../oci/media-types';
import { sendCreated, type ApiContext } from './api-context';
import { API_VERSION } from './api-version';
import { OciError } from './errors';
import { manifestRecord } from './manifest-record';
import type { Route } from './paths';
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
  let manifest;
  try {
    manifest = parseManifest(bytes, contentType || undefined);
  } catch (err) {
    if (err instanceof RegqlError)
      throw new OciError(
        400,
        err.code === 'UPSTREAM_UNSUPPORTED' ? 'UNSUPPORTED' : 'MANIFEST_INVALID',
        err.message.replace(/^invalid manifest: /, ''),
      );
    throw err;
  }
  const mediaType = (manifestMediaTypes as readonly string[]).includes(contentType)
    ? contentType
    : manifest.mediaType;
  const digest = sha256Digest(bytes);
  if (reference.includes(':') && reference !== digest)
    throw new OciError(400, 'DIGEST_INVALID', `the manifest hashes to ${digest}, not ${reference}`);
  const { row, references } = manifestRecord(name, digest, bytes, manifest, mediaType);
  const present = await ctx.content.present(name, [...references, digest]);
  const missing = references.filter((d) => !present.has(d));
  if (missing.length > 0)
    throw new OciError(
      400,
      'MANIFEST_BLOB_UNKNOWN',
      `the manifest names what ${name} does not hold: ${missing.slice(0, 5).join(', ')}`,
    );
  if (!present.has(digest)) await ctx.quota.check(name, bytes.length);
  await ctx.deps.blobs.putBytes(digest, bytes);
  await ctx.content.putManifest(row, references);
  if (!reference.includes(':')) {
    try {
      await ctx.deps.pushes.tagPushed({ repository: name, tag: reference, digest });
    } catch (err) {
      // A refused tag (the stream's tag limit) keeps the manifest, untagged, as a push by digest.
      if (err instanceof RegqlError && err.code === 'BAD_USER_INPUT')
        throw new OciError(403, 'DENIED', err.message);
      throw err;
    }
  }
  sendCreated(
    res,
    `/v2/${name}/manifests/${digest}`,
    digest,
    manifest.subject ? { 'oci-subject': manifest.subject.digest } : {},
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
