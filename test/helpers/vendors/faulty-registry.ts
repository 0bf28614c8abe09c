/**
 * A self-contained registry serving one small OCI image (tag `v1`) per repository, whose first
 * path segment selects a fault: rate-limited, unavailable, always-503, reset, stall, malformed,
 * mismatch, huge, not-found, unauthorized. Any other name behaves.
 */

import type { IncomingMessage, ServerResponse } from 'node:http';
import { gzipSync } from 'node:zlib';
import { sha256Digest } from '../../../src/oci/digest';
import {
  MEDIA_TYPES,
  describeRequest,
  isRegistryRoot,
  listen,
  parseRegistryPath,
  registryError,
  requestUrl,
  sendJson,
  type RecordedRequest,
  type RegistryRoute,
} from '../../../plugins/stand-in-common';

export interface FaultyRegistry {
  /** http://127.0.0.1:PORT */
  url: string;
  /** 127.0.0.1:PORT */
  host: string;
  requests: RecordedRequest[];
  /** Digest of `<repository>:v1` as advertised (for `mismatch/*` the body hashes differently). */
  digestOf(repository: string): string;
  close(): Promise<void>;
}

const TAG = 'v1';
const HUGE_SIZE = 10 * 1024 * 1024;
const TRANSIENT_FAILURES = 2;

interface Image {
  manifest: Buffer;
  digest: string;
  blobs: Map<string, Buffer>;
}

const EMPTY_TAR = Buffer.alloc(1024);
const LAYER = gzipSync(EMPTY_TAR);

function manifestFor(config: Buffer, annotations?: Record<string, string>): Buffer {
  return Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MEDIA_TYPES.ociManifest,
      config: {
        mediaType: 'application/vnd.oci.image.config.v1+json',
        digest: sha256Digest(config),
        size: config.length,
      },
      layers: [
        {
          mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip',
          digest: sha256Digest(LAYER),
          size: LAYER.length,
        },
      ],
      ...(annotations && { annotations }),
    }),
  );
}

function paddedManifest(config: Buffer): Buffer {
  const base = manifestFor(config, { 'org.example.padding': '' }).length;
  return manifestFor(config, { 'org.example.padding': 'x'.repeat(HUGE_SIZE - base) });
}

function buildImage(repository: string): Image {
  const config = Buffer.from(
    JSON.stringify({
      created: '2024-01-01T00:00:00Z',
      architecture: 'amd64',
      os: 'linux',
      config: { Labels: { 'org.example.repository': repository } },
      rootfs: { type: 'layers', diff_ids: [sha256Digest(EMPTY_TAR)] },
    }),
  );
  const manifest = repository.startsWith('huge/') ? paddedManifest(config) : manifestFor(config);
  return {
    manifest,
    digest: sha256Digest(manifest),
    blobs: new Map([
      [sha256Digest(config), config],
      [sha256Digest(LAYER), LAYER],
    ]),
  };
}

interface FaultyState {
  images: Map<string, Image>;
  hits: Map<string, number>;
}

function imageOf(state: FaultyState, repository: string): Image {
  let image = state.images.get(repository);
  if (!image) {
    image = buildImage(repository);
    state.images.set(repository, image);
  }
  return image;
}

function countHit(state: FaultyState, pathname: string): number {
  const hits = (state.hits.get(pathname) ?? 0) + 1;
  state.hits.set(pathname, hits);
  return hits;
}

function sendBytes(
  req: IncomingMessage,
  res: ServerResponse,
  body: Buffer,
  contentType: string,
  digest: string,
) {
  res.writeHead(200, {
    'content-type': contentType,
    'content-length': body.length,
    'docker-content-digest': digest,
  });
  res.end(req.method === 'HEAD' ? undefined : body);
}

function serveManifest(
  req: IncomingMessage,
  res: ServerResponse,
  image: Image,
  route: RegistryRoute,
  tampered: boolean,
) {
  if (route.reference !== TAG && route.reference !== image.digest) {
    registryError(res, 404, 'MANIFEST_UNKNOWN', 'manifest unknown', { Tag: route.reference });
    return;
  }
  const body = tampered ? Buffer.concat([image.manifest, Buffer.from('\n')]) : image.manifest;
  sendBytes(
    req,
    res,
    body,
    MEDIA_TYPES.ociManifest,
    route.reference === TAG ? image.digest : route.reference,
  );
}

function serveContent(
  req: IncomingMessage,
  res: ServerResponse,
  state: FaultyState,
  route: RegistryRoute,
) {
  const image = imageOf(state, route.name);
  if (route.kind === 'tags') {
    sendJson(res, 200, { name: route.name, tags: [TAG] });
  } else if (route.kind === 'manifests') {
    serveManifest(req, res, image, route, route.name.startsWith('mismatch/'));
  } else if (route.kind === 'blobs' && image.blobs.has(route.reference ?? '')) {
    sendBytes(
      req,
      res,
      image.blobs.get(route.reference ?? '')!,
      'application/octet-stream',
      route.reference ?? '',
    );
  } else {
    registryError(res, 404, 'BLOB_UNKNOWN', 'blob unknown to registry', {
      Digest: route.reference,
    });
  }
}

function sendMalformed(res: ServerResponse): void {
  const body = Buffer.from('{"tags": [');
  res.writeHead(200, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': body.length,
  });
  res.end(body);
}

/** Answers with the fault the repository name selects; false when the request should be served normally. */
function fault(
  req: IncomingMessage,
  res: ServerResponse,
  state: FaultyState,
  route: RegistryRoute,
  pathname: string,
) {
  const kind = route.name.split('/')[0];
  const hits =
    kind === 'rate-limited' || kind === 'unavailable' || kind === 'reset'
      ? countHit(state, pathname)
      : 0;
  switch (kind) {
    case 'rate-limited':
      if (hits > TRANSIENT_FAILURES) return false;
      registryError(res, 429, 'TOOMANYREQUESTS', 'too many requests', null, { 'retry-after': '1' });
      return true;
    case 'unavailable':
      if (hits > TRANSIENT_FAILURES) return false;
      registryError(res, 503, 'UNAVAILABLE', 'service unavailable', null);
      return true;
    case 'always-503':
      registryError(res, 503, 'UNAVAILABLE', 'service unavailable', null);
      return true;
    case 'reset':
      if (hits > 1) return false;
      req.socket.destroy();
      return true;
    case 'stall':
      return true;
    case 'malformed':
      if (route.kind !== 'tags' && route.kind !== 'manifests') return false;
      sendMalformed(res);
      return true;
    case 'not-found':
      if (route.kind === 'manifests')
        registryError(res, 404, 'MANIFEST_UNKNOWN', 'manifest unknown', null);
      else
        registryError(res, 404, 'NAME_UNKNOWN', 'repository name not known to registry', {
          name: route.name,
        });
      return true;
    case 'unauthorized':
      registryError(res, 401, 'UNAUTHORIZED', 'authentication required', null, {
        'www-authenticate': 'Basic realm="faulty-registry"',
      });
      return true;
    default:
      return false;
  }
}

function handle(state: FaultyState, req: IncomingMessage, res: ServerResponse): void {
  const { pathname } = requestUrl(req);
  if (isRegistryRoot(pathname)) {
    sendJson(res, 200, {}, { 'docker-distribution-api-version': 'registry/2.0' });
    return;
  }
  const route = parseRegistryPath(pathname);
  if (!route || route.kind === 'uploads' || route.kind === 'referrers') {
    registryError(res, 404, 'NAME_UNKNOWN', 'repository name not known to registry', null);
    return;
  }
  if (fault(req, res, state, route, pathname)) return;
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    registryError(res, 405, 'UNSUPPORTED', 'The operation is unsupported.', null);
    return;
  }
  serveContent(req, res, state, route);
}

export async function startFaultyRegistry(): Promise<FaultyRegistry> {
  const requests: RecordedRequest[] = [];
  const state: FaultyState = { images: new Map(), hits: new Map() };
  const listener = await listen(
    (req, res) => handle(state, req, res),
    (req) => requests.push(describeRequest(req)),
  );
  return {
    url: listener.url,
    host: listener.host,
    requests,
    digestOf: (repository) => imageOf(state, repository).digest,
    close: () => listener.close(),
  };
}
