import type { IncomingMessage, ServerResponse } from 'node:http';
import { API_VERSION, sendCreated, type Access, type ApiContext } from './api-context';
import { OciError } from './errors';
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
  sendCreated(res, `/v2/${name}/blobs/${digest}`, digest);
}

async function knownUpload(ctx: ApiContext, name: string, id: string) {
  const upload = await ctx.deps.blobs.upload(id);
  if (!upload || upload.repository !== name)
    throw new OciError(404, 'BLOB_UPLOAD_UNKNOWN', 'no such upload in this repository');
  return upload;
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
  const from = url.searchParams.get('from');
  if (mount && from) {
    checkDigest(mount);
    checkName(from);
    const size = (await access.may(from, 'pull')) ? await ctx.content.blobSize(from, mount) : null;
    if (size !== null) {
      await ctx.content.linkBlob(name, mount, size);
      return sendCreated(res, `/v2/${name}/blobs/${mount}`, mount);
    }
  }
  const digest = url.searchParams.get('digest');
  if (digest) checkDigest(digest);
  const id = await ctx.deps.blobs.startUpload(name);
  if (!digest) {
    res.writeHead(202, uploadHeaders(name, id, 0));
    return void res.end();
  }
  try {
    const size = await ctx.deps.blobs.append(id, 0, req, contentLength(req));
    await finishUpload(ctx, res, name, id, digest, size);
  } catch (err) {
    await ctx.deps.blobs.cancel(id);
    throw err;
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
    res.writeHead(204, API_VERSION);
    return void res.end();
  }
  if (req.method === 'PATCH') {
    const range = req.headers['content-range'];
    const start = range ? /^(\d+)-(\d+)$/.exec(range) : null;
    if (range && (!start || Number(start[1]) !== state.size)) {
      req.resume();
      throw new OciError(
        416,
        'BLOB_UPLOAD_INVALID',
        `the upload holds ${state.size} bytes: a chunk must start there`,
        {
          range: `0-${Math.max(0, state.size - 1)}`,
          location: `/v2/${name}/blobs/uploads/${id}`,
        },
      );
    }
    const size = await ctx.deps.blobs.append(id, state.size, req, contentLength(req));
    res.writeHead(202, uploadHeaders(name, id, size));
    return void res.end();
  }
  if (req.method === 'PUT') {
    const digest = url.searchParams.get('digest');
    if (!digest) throw new OciError(400, 'DIGEST_INVALID', 'PUT ends an upload and needs ?digest=');
    const length = contentLength(req);
    const size =
      length === 0 ? state.size : await ctx.deps.blobs.append(id, state.size, req, length);
    return finishUpload(ctx, res, name, id, digest, size);
  }
  throw new OciError(405, 'UNSUPPORTED', `${req.method} is not allowed on an upload`);
}
