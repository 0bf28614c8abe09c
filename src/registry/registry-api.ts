import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import type { Identities } from '../auth/identities';
import { RegqlError } from '../domain/errors';
import { sha256Digest } from '../oci/digest';
import { MAX_MANIFEST_BYTES, parseManifest } from '../oci/manifest';
import { manifestMediaTypes, OCI_INDEX } from '../oci/media-types';
import type { Db } from '../store/database';
import { RegistryContentStore } from '../store/registry-content-store';
import { allowedActions, grants, SERVICE, type Action, type RegistryTokens } from './access';
import { BlobStore, UploadError } from './blob-store';
import { OciError, sendOciError } from './errors';
import { checkDigest, checkName, parseRoute, type Route } from './paths';
import type { PushProvisioning } from './push-provisioning';
import { callerOf } from './token-endpoint';

export interface RegistryApiDeps {
  db: Db;
  blobs: BlobStore;
  tokens: RegistryTokens;
  identities: Identities;
  pushes: PushProvisioning;
  publicUrl: string;
  publicNamespaces: readonly string[];
}

interface Access {
  may(repository: string, action: Action): boolean;
  catalog: boolean;
  subject: string | null;
}

const API_VERSION = { 'docker-distribution-api-version': 'registry/2.0' };
const PAGE_DEFAULT = 100;
const PAGE_MAX = 1000;

/** Every upload request needs push (a client cancels with the token it pushed with). */
function actionOf(route: Route, method: string): Action {
  if (route.kind === 'uploads' || route.kind === 'upload') return 'push';
  if (method === 'GET' || method === 'HEAD') return 'pull';
  return method === 'DELETE' ? 'delete' : 'push';
}

const scopeActions: Record<Action, string> = { pull: 'pull', push: 'pull,push', delete: 'delete' };

function pageParams(url: URL): { n: number; last: string | null } {
  const raw = url.searchParams.get('n');
  const n = raw === null ? PAGE_DEFAULT : Number(raw);
  if (!Number.isInteger(n) || n < 0)
    throw new OciError(400, 'UNSUPPORTED', 'n must be a whole number');
  return { n: Math.min(n, PAGE_MAX), last: url.searchParams.get('last') };
}

/** The path as sent: URL parsing would resolve `..` and `%2e%2e` segments before they are checked. */
const rawPath = (req: IncomingMessage) =>
  (req.url ?? '/').replace(/^[a-z][a-z0-9+.-]*:\/\/[^/]*/i, '').split(/[?#]/)[0];

/** Reads a body of at most `limit` bytes; past that, answers 413 and drops the connection. */
function readLimited(req: IncomingMessage, limit: number): Promise<Buffer> {
  const tooLarge = () =>
    new OciError(413, 'MANIFEST_INVALID', `a manifest may hold at most ${limit} bytes`, {
      connection: 'close',
    });
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) return Promise.reject(tooLarge());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) return void chunks.push(chunk);
      req.off('data', onData);
      req.pause();
      reject(tooLarge());
    };
    req.on('data', onData);
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** The OCI Distribution v1.1 API on /v2, backed by the blob store and the SQL content store. */
export function registryApi(deps: RegistryApiDeps) {
  const content = new RegistryContentStore(deps.db);
  const challenge = (scope?: string) =>
    `Bearer realm="${deps.publicUrl}/auth/token",service="${SERVICE}"${scope ? `,scope="${scope}"` : ''}`;

  async function accessOf(req: IncomingMessage): Promise<Access | null> {
    const header = req.headers.authorization;
    const bearer = header && /^Bearer\s+(\S+)$/i.exec(header);
    if (bearer) {
      const verified = deps.tokens.verify(bearer[1]);
      if (!verified) return null;
      return {
        may: (repository, action) => grants(verified.access, repository, action),
        catalog: verified.access.some((g) => g.type === 'registry' && g.name === 'catalog'),
        subject: verified.subject,
      };
    }
    const caller = await callerOf(deps.identities, header);
    if (caller === 'invalid') return null;
    return {
      may: (repository, action) =>
        allowedActions(caller, repository, deps.publicNamespaces).includes(action),
      catalog: caller !== null,
      subject: caller?.id ?? null,
    };
  }

  function require(
    access: Access | null,
    repository: string,
    action: Action,
  ): asserts access is Access {
    if (access?.may(repository, action)) return;
    const scope = `repository:${repository}:${scopeActions[action]}`;
    throw new OciError(
      401,
      'UNAUTHORIZED',
      `${action} on ${repository} needs a token granting it`,
      { 'www-authenticate': challenge(scope) },
    );
  }

  async function sendBlob(
    res: ServerResponse,
    digest: string,
    size: number,
    head: boolean,
  ): Promise<void> {
    res.writeHead(200, {
      ...API_VERSION,
      'content-type': 'application/octet-stream',
      'content-length': size,
      'docker-content-digest': digest,
    });
    if (head) return void res.end();
    await pipeline(deps.blobs.read(digest), res);
  }

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
    res: ServerResponse,
    name: string,
    id: string,
    digest: string,
  ): Promise<void> {
    const size = await deps.blobs.finish(id, checkDigest(digest));
    await content.linkBlob(name, digest, size);
    res.writeHead(201, {
      ...API_VERSION,
      location: `/v2/${name}/blobs/${digest}`,
      'docker-content-digest': digest,
      'content-length': 0,
    });
    res.end();
  }

  async function knownUpload(name: string, id: string) {
    const upload = await deps.blobs.upload(id);
    if (!upload || upload.repository !== name)
      throw new OciError(404, 'BLOB_UPLOAD_UNKNOWN', 'no such upload in this repository');
    return upload;
  }

  const contentLength = (req: IncomingMessage) =>
    req.headers['content-length'] === undefined ? undefined : Number(req.headers['content-length']);

  async function uploads(
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
      const size = access.may(from, 'pull') ? await content.blobSize(from, mount) : null;
      if (size !== null) {
        await content.linkBlob(name, mount, size);
        res.writeHead(201, {
          ...API_VERSION,
          location: `/v2/${name}/blobs/${mount}`,
          'docker-content-digest': mount,
          'content-length': 0,
        });
        return void res.end();
      }
    }
    const digest = url.searchParams.get('digest');
    if (digest) checkDigest(digest);
    const id = await deps.blobs.startUpload(name);
    if (!digest) {
      res.writeHead(202, uploadHeaders(name, id, 0));
      return void res.end();
    }
    try {
      await deps.blobs.append(id, req, contentLength(req));
      await finishUpload(res, name, id, digest);
    } catch (err) {
      await deps.blobs.cancel(id);
      throw err;
    }
  }

  async function upload(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    route: Extract<Route, { kind: 'upload' }>,
  ): Promise<void> {
    const { name, id } = route;
    const state = await knownUpload(name, id);
    if (req.method === 'GET') {
      res.writeHead(204, uploadHeaders(name, id, state.size));
      return void res.end();
    }
    if (req.method === 'DELETE') {
      await deps.blobs.cancel(id);
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
      const size = await deps.blobs.append(id, req, contentLength(req));
      res.writeHead(202, uploadHeaders(name, id, size));
      return void res.end();
    }
    if (req.method === 'PUT') {
      const digest = url.searchParams.get('digest');
      if (!digest)
        throw new OciError(400, 'DIGEST_INVALID', 'PUT ends an upload and needs ?digest=');
      if (contentLength(req) !== 0) await deps.blobs.append(id, req, contentLength(req));
      return finishUpload(res, name, id, digest);
    }
    throw new OciError(405, 'UNSUPPORTED', `${req.method} is not allowed on an upload`);
  }

  async function resolveManifest(name: string, reference: string) {
    const digest = reference.includes(':') ? reference : await content.tagDigest(name, reference);
    const row = digest ? await content.manifest(name, digest) : undefined;
    if (!row) throw new OciError(404, 'MANIFEST_UNKNOWN', `no manifest ${reference} in ${name}`);
    return row;
  }

  async function putManifest(
    req: IncomingMessage,
    res: ServerResponse,
    name: string,
    reference: string,
  ): Promise<void> {
    const bytes = await readLimited(req, MAX_MANIFEST_BYTES);
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
      throw new OciError(
        400,
        'DIGEST_INVALID',
        `the manifest hashes to ${digest}, not ${reference}`,
      );
    const references =
      manifest.kind === 'image'
        ? [manifest.config.digest, ...manifest.layers.map((l) => l.digest)]
        : manifest.manifests.map((m) => m.digest);
    const present = await content.present(name, references);
    const missing = references.filter((d) => !present.has(d));
    if (missing.length > 0)
      throw new OciError(
        400,
        'MANIFEST_BLOB_UNKNOWN',
        `the manifest names what ${name} does not hold: ${missing.slice(0, 5).join(', ')}`,
      );
    await deps.blobs.putBytes(digest, bytes);
    await content.putManifest(
      {
        repository: name,
        digest,
        media_type: mediaType,
        size: bytes.length,
        artifact_type:
          manifest.artifactType ?? (manifest.kind === 'image' ? manifest.config.mediaType : null),
        subject: manifest.subject?.digest ?? null,
        annotations: manifest.annotations ? JSON.stringify(manifest.annotations) : null,
        created_at: new Date().toISOString(),
      },
      references,
    );
    if (!reference.includes(':'))
      await deps.pushes.tagPushed({ repository: name, tag: reference, digest });
    res.writeHead(201, {
      ...API_VERSION,
      location: `/v2/${name}/manifests/${digest}`,
      'docker-content-digest': digest,
      'content-length': 0,
      ...(manifest.subject && { 'oci-subject': manifest.subject.digest }),
    });
    res.end();
  }

  async function manifests(
    req: IncomingMessage,
    res: ServerResponse,
    name: string,
    reference: string,
  ): Promise<void> {
    if (req.method === 'PUT') return putManifest(req, res, name, reference);
    if (req.method === 'DELETE') {
      const removed = reference.includes(':')
        ? await content.deleteManifest(name, reference)
        : await content.deleteTag(name, reference);
      if (!removed)
        throw new OciError(404, 'MANIFEST_UNKNOWN', `no manifest ${reference} in ${name}`);
      res.writeHead(202, { ...API_VERSION, 'content-length': 0 });
      return void res.end();
    }
    const row = await resolveManifest(name, reference);
    const bytes = await deps.blobs.readAll(row.digest);
    res.writeHead(200, {
      ...API_VERSION,
      'content-type': row.media_type,
      'content-length': bytes.length,
      'docker-content-digest': row.digest,
    });
    res.end(req.method === 'HEAD' ? undefined : bytes);
  }

  async function blobs(
    req: IncomingMessage,
    res: ServerResponse,
    name: string,
    digest: string,
  ): Promise<void> {
    if (req.method === 'DELETE') {
      if (!(await content.unlinkBlob(name, digest)))
        throw new OciError(404, 'BLOB_UNKNOWN', `no blob ${digest} in ${name}`);
      res.writeHead(202, { ...API_VERSION, 'content-length': 0 });
      return void res.end();
    }
    const size = await content.blobSize(name, digest);
    if (size === null) throw new OciError(404, 'BLOB_UNKNOWN', `no blob ${digest} in ${name}`);
    await sendBlob(res, digest, size, req.method === 'HEAD');
  }

  function sendList(res: ServerResponse, body: object, next: string | null): void {
    const json = JSON.stringify(body);
    res.writeHead(200, {
      ...API_VERSION,
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(json),
      ...(next && { link: `<${next}>; rel="next"` }),
    });
    res.end(json);
  }

  async function tags(res: ServerResponse, url: URL, name: string): Promise<void> {
    const { n, last } = pageParams(url);
    if (!(await content.repositoryExists(name)))
      throw new OciError(404, 'NAME_UNKNOWN', `no repository ${name}`);
    const page = n === 0 ? [] : await content.tags(name, n, last);
    const items = page.slice(0, n);
    const next =
      page.length > n
        ? `/v2/${name}/tags/list?${new URLSearchParams({ n: String(n), last: items[items.length - 1] })}`
        : null;
    sendList(res, { name, tags: items }, next);
  }

  async function catalog(res: ServerResponse, url: URL, access: Access | null): Promise<void> {
    if (!access?.catalog || !access.subject) {
      throw new OciError(401, 'UNAUTHORIZED', 'the catalog needs a signed-in caller', {
        'www-authenticate': challenge('registry:catalog:*'),
      });
    }
    const { n, last } = pageParams(url);
    const identity = await deps.identities.find(access.subject);
    const namespaces =
      identity?.namespace === '*'
        ? null
        : identity
          ? [identity.namespace, ...deps.publicNamespaces]
          : [...deps.publicNamespaces];
    const page = n === 0 ? [] : await content.repositories(n, last, namespaces);
    const items = page.slice(0, n);
    const next =
      page.length > n
        ? `/v2/_catalog?${new URLSearchParams({ n: String(n), last: items[items.length - 1] })}`
        : null;
    sendList(res, { repositories: items }, next);
  }

  async function referrers(
    res: ServerResponse,
    url: URL,
    name: string,
    digest: string,
  ): Promise<void> {
    const artifactType = url.searchParams.get('artifactType');
    const rows = (await content.referrers(name, digest)).filter(
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

  return async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    try {
      const route = parseRoute(rawPath(req));
      if (!route) throw new OciError(404, 'NAME_UNKNOWN', `no endpoint ${url.pathname}`);
      const access = await accessOf(req);
      if (route.kind === 'base') {
        if (!access || (!access.subject && !req.headers.authorization)) {
          throw new OciError(401, 'UNAUTHORIZED', 'authentication required', {
            'www-authenticate': challenge(),
          });
        }
        res.writeHead(200, {
          ...API_VERSION,
          'content-type': 'application/json',
          'content-length': 2,
        });
        return void res.end('{}');
      }
      if (route.kind === 'catalog') return await catalog(res, url, access);
      const method = req.method ?? 'GET';
      require(access, route.name, actionOf(route, method));
      switch (route.kind) {
        case 'uploads':
          if (method !== 'POST')
            throw new OciError(405, 'UNSUPPORTED', 'start an upload with POST');
          return await uploads(req, res, url, route.name, access);
        case 'upload':
          return await upload(req, res, url, route);
        case 'blob':
          return await blobs(req, res, route.name, route.digest);
        case 'manifest':
          return await manifests(req, res, route.name, route.reference);
        case 'tags':
          return await tags(res, url, route.name);
        case 'referrers':
          return await referrers(res, url, route.name, route.digest);
      }
    } catch (err) {
      if (!res.headersSent) {
        if (err instanceof OciError) return sendOciError(res, err);
        if (err instanceof UploadError) {
          const status = err.code === 'BLOB_UPLOAD_UNKNOWN' ? 404 : 400;
          return sendOciError(
            res,
            new OciError(
              status,
              err.code === 'RANGE_INVALID' ? 'BLOB_UPLOAD_INVALID' : err.code,
              err.message,
            ),
          );
        }
      }
      if (req.destroyed || res.destroyed) return;
      throw err;
    }
  };
}
