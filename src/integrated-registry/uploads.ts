import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendCreated, type Access, type ApiContext } from './api-context';
import { API_VERSION } from './api-version';
import { UploadError } from './blob-store';
import { OciError } from './errors';
import { namespaceOf } from '../auth/pull-access';
import { checkDigest, checkName, type Route } from './paths';

const contentLength = (req: IncomingMessage) =>
  req.headers['content-length'] === undefined ? undefined : Number(req.headers['content-length']);

function uploadHeaders(name: string, id: string, size: number) {
  return {
    ...API_VERSION,
    location: `/v2/${name}/blobs/uploads/${id}`,
    range: `0-${Math.max(0, size - 1)}`,
    'docker-upload-uuid': id,
    'content-length': 0,
  };
}

/** A 416 telling the client where the upload stands: it holds `size` bytes. */
const rangeInvalid = (name: string, id: string, size: number, message: string) =>
  new OciError(416, 'BLOB_UPLOAD_INVALID', message, {
    range: `0-${Math.max(0, size - 1)}`,
    location: `/v2/${name}/blobs/uploads/${id}`,
  });

/** A refusal answered before the body arrived: the rest of it is dropped with the connection. */
function refuseBody(req: IncomingMessage, err: unknown): unknown {
  if (!(err instanceof OciError) || req.complete) return err;
  req.resume();
  return new OciError(err.status, err.code, err.message, { ...err.headers, connection: 'close' });
}

/** Starts a session, unless the namespace already has as many open as it may. */
async function openSession(ctx: ApiContext, name: string): Promise<string> {
  const id = await ctx.deps.blobs.startUpload(name);
  const { maxUploadsPerNamespace, uploadMaxAgeSeconds } = ctx.deps.limits;
  if (await ctx.uploads.open(id, name, maxUploadsPerNamespace)) return id;
  await ctx.deps.blobs.cancel(id);
  throw new OciError(
    429,
    'TOOMANYREQUESTS',
    `namespace ${namespaceOf(name)} has ${maxUploadsPerNamespace} open uploads, the most it may ` +
      'have (registry.maxUploadsPerNamespace): finish or cancel (DELETE) them, or wait until ' +
      `abandoned ones are removed ${uploadMaxAgeSeconds} seconds after their last write`,
  );
}

/** Appends the request's body to an upload of `start` bytes, within the namespace's quota. */
async function writeChunk(
  ctx: ApiContext,
  req: IncomingMessage,
  name: string,
  id: string,
  start: number,
  expectedLength: number | undefined,
): Promise<number> {
  const meter = await ctx.quota.meter(name);
  let size: number;
  try {
    if (expectedLength !== undefined) meter.fits(expectedLength);
    size = await ctx.deps.blobs.append(id, start, req, expectedLength, (bytes) =>
      meter.admit(bytes),
    );
  } catch (err) {
    meter.done(false);
    throw refuseBody(req, err);
  }
  try {
    await ctx.uploads.resize(id, size);
  } finally {
    meter.done(true);
  }
  return size;
}

async function finishUpload(
  ctx: ApiContext,
  res: ServerResponse,
  name: string,
  id: string,
  digest: string,
  size: number,
): Promise<void> {
  await ctx.deps.blobs.finish(id, checkDigest(digest), size);
  await ctx.content.linkBlob(name, digest, size);
  await ctx.uploads.close(id);
  sendCreated(res, `/v2/${name}/blobs/${digest}`, digest);
}

async function knownUpload(ctx: ApiContext, name: string, id: string) {
  const upload = await ctx.deps.blobs.upload(id);
  if (!upload || upload.repository !== name)
    throw new OciError(404, 'BLOB_UPLOAD_UNKNOWN', 'no such upload in this repository');
  return upload;
}

/** Repositories looked at for a mount without `from`; enough to find a shared base layer. */
const MOUNT_CANDIDATES = 50;

/**
 * For a mount that names no source (automatic content discovery): a repository that holds the
 * blob and that the caller may pull from, if any. The caller's rights decide, not the token's
 * scopes: the client could not know which repository to ask a scope for, and the blob lands only
 * in a repository the token may push to.
 */
async function readableHolder(
  ctx: ApiContext,
  access: Access,
  digest: string,
): Promise<string | null> {
  for (const repository of await ctx.content.repositoriesWithBlob(digest, MOUNT_CANDIDATES))
    if (await access.callerMay(repository, 'pull')) return repository;
  return null;
}

/** POST on the uploads of `name`: a cross-repository mount, a monolithic upload or a session. */
export async function startUpload(
  ctx: ApiContext,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  name: string,
  access: Access,
): Promise<void> {
  const mount = url.searchParams.get('mount');
  if (mount) {
    checkDigest(mount);
    const from = url.searchParams.get('from');
    const source = from
      ? (await access.may(checkName(from), 'pull')) && from
      : await readableHolder(ctx, access, mount);
    const size = source ? await ctx.content.blobSize(source, mount) : null;
    if (size !== null) {
      await ctx.quota.check(name, size);
      await ctx.content.linkBlob(name, mount, size);
      return sendCreated(res, `/v2/${name}/blobs/${mount}`, mount);
    }
  }
  const digest = url.searchParams.get('digest');
  if (digest) checkDigest(digest);
  const length = digest ? contentLength(req) : 0;
  let id: string;
  try {
    await ctx.quota.check(name, length ?? 0);
    id = await openSession(ctx, name);
  } catch (err) {
    throw refuseBody(req, err);
  }
  if (!digest) {
    res.writeHead(202, uploadHeaders(name, id, 0));
    return void res.end();
  }
  const release = ctx.deps.blobs.claim(id);
  try {
    const size = await writeChunk(ctx, req, name, id, 0, length);
    await finishUpload(ctx, res, name, id, digest, size);
  } catch (err) {
    await ctx.deps.blobs.cancel(id);
    await ctx.uploads.close(id);
    throw err;
  } finally {
    release?.();
  }
}

/** GET (status), DELETE (cancel), PATCH (chunk) and PUT (finish) on one upload session. */
export async function continueUpload(
  ctx: ApiContext,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  route: Extract<Route, { kind: 'upload' }>,
): Promise<void> {
  const { name, id } = route;
  if (req.method === 'GET') {
    const state = await knownUpload(ctx, name, id);
    res.writeHead(204, uploadHeaders(name, id, state.size));
    return void res.end();
  }
  const release = ctx.deps.blobs.claim(id);
  if (!release) {
    req.resume();
    throw new OciError(
      416,
      'BLOB_UPLOAD_INVALID',
      'another request is writing to this upload: send its chunks one after the other',
      { location: `/v2/${name}/blobs/uploads/${id}` },
    );
  }
  try {
    await changeUpload(ctx, req, res, url, name, id);
  } finally {
    release();
  }
}

/**
 * How many bytes a PATCH carries: its Content-Range must start where the upload ends and, when
 * Content-Length is given too, cover exactly that many bytes.
 */
function chunkLength(req: IncomingMessage, name: string, id: string, size: number) {
  const range = req.headers['content-range'];
  const length = contentLength(req);
  if (range === undefined) return { length, ranged: false };
  const bounds = /^(\d+)-(\d+)$/.exec(range);
  const [first, last] = bounds ? [Number(bounds[1]), Number(bounds[2])] : [NaN, NaN];
  const problem =
    first !== size
      ? `the upload holds ${size} bytes: a chunk must start there`
      : last < first
        ? `Content-Range ${range} ends before it starts`
        : length !== undefined && length !== last - first + 1
          ? `Content-Range ${range} declares ${last - first + 1} bytes, the body ${length}`
          : null;
  if (problem) {
    req.resume();
    throw rangeInvalid(name, id, size, problem);
  }
  return { length: last - first + 1, ranged: true };
}

async function changeUpload(
  ctx: ApiContext,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  name: string,
  id: string,
): Promise<void> {
  const state = await knownUpload(ctx, name, id);
  if (req.method === 'DELETE') {
    await ctx.deps.blobs.cancel(id);
    await ctx.uploads.close(id);
    res.writeHead(204, API_VERSION);
    return void res.end();
  }
  if (req.method === 'PATCH') {
    const { length, ranged } = chunkLength(req, name, id, state.size);
    let size: number;
    try {
      size = await writeChunk(ctx, req, name, id, state.size, length);
    } catch (err) {
      if (ranged && err instanceof UploadError && err.code === 'SIZE_INVALID')
        throw rangeInvalid(name, id, state.size, `Content-Range: ${err.message}`);
      throw err;
    }
    res.writeHead(202, uploadHeaders(name, id, size));
    return void res.end();
  }
  if (req.method === 'PUT') {
    const digest = url.searchParams.get('digest');
    if (!digest) throw new OciError(400, 'DIGEST_INVALID', 'PUT ends an upload and needs ?digest=');
    const length = contentLength(req);
    const size =
      length === 0 ? state.size : await writeChunk(ctx, req, name, id, state.size, length);
    return finishUpload(ctx, res, name, id, digest, size);
  }
  throw new OciError(405, 'UNSUPPORTED', `${req.method} is not allowed on an upload`);
}
