import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApiContext } from './api-context';
import { API_VERSION } from './api-version';
import { OciError } from './errors';

/** GET, HEAD and DELETE of a blob linked to the repository `name`. */
export async function blobs(
  ctx: ApiContext,
  req: IncomingMessage,
  res: ServerResponse,
  name: string,
  digest: string,
): Promise<void> {
  if (req.method === 'DELETE') {
    if (!(await ctx.content.unlinkBlob(name, digest)))
      throw new OciError(404, 'BLOB_UNKNOWN', `no blob ${digest} in ${name}`);
    res.writeHead(202, { ...API_VERSION, 'content-length': 0 });
    return void res.end();
  }
  const size = await ctx.content.blobSize(name, digest);
  if (size === null) return pullThrough(ctx, req, res, name, digest);
  res.writeHead(200, blobHeaders(digest, size));
  if (req.method === 'HEAD') return void res.end();
  await ctx.deps.blobs.sendTo(digest, res);
}

const blobHeaders = (digest: string, size: number) => ({
  ...API_VERSION,
  'content-type': 'application/octet-stream',
  'content-length': size,
  'docker-content-digest': digest,
});

/** A blob the repository lacks: from its stream's upstream, when one of its manifests names it. */
async function pullThrough(
  ctx: ApiContext,
  req: IncomingMessage,
  res: ServerResponse,
  name: string,
  digest: string,
): Promise<void> {
  const named = await ctx.pullThrough.blob(name, digest);
  if (!named) throw new OciError(404, 'BLOB_UNKNOWN', `no blob ${digest} in ${name}`);
  if (req.method === 'HEAD') {
    res.writeHead(200, blobHeaders(digest, named.size));
    return void res.end();
  }
  await named.send(res, () => res.writeHead(200, blobHeaders(digest, named.size)));
}
