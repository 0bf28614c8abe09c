import { randomBytes } from 'node:crypto';
import { request, type ClientRequest, type IncomingHttpHeaders } from 'node:http';
import { join } from 'node:path';
import { connect } from 'node:net';
import { sha256Digest } from '../../src/oci/digest';
import { DOCKER_MANIFEST, OCI_MANIFEST } from '../../src/oci/media-types';
import { basicAuth } from '../helpers/basic-auth';

const OCI_CONFIG = 'application/vnd.oci.image.config.v1+json';
const OCI_LAYER = 'application/vnd.oci.image.layer.v1.tar+gzip';
const DOCKER_CONFIG = 'application/vnd.docker.container.image.v1+json';
const DOCKER_LAYER = 'application/vnd.docker.image.rootfs.diff.tar.gzip';

export interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  json<T = unknown>(): T;
  /** The first error code of a Distribution error body. */
  code(): string | undefined;
}

const TIMEOUT_MS = 15000;

function reply(status: number, headers: IncomingHttpHeaders, body: Buffer): Reply {
  const json = <T>() => JSON.parse(body.toString('utf8')) as T;
  return {
    status,
    headers,
    body,
    json,
    code: () => {
      try {
        return json<{ errors?: { code: string }[] }>().errors?.[0]?.code;
      } catch {
        return undefined;
      }
    },
  };
}

/** One HTTP request with the path sent exactly as given (no client-side normalisation). */
export function rawRequest(
  base: string,
  method: string,
  path: string,
  options: { headers?: Record<string, string>; body?: Buffer } = {},
): Promise<Reply> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: hostname,
        port,
        method,
        path,
        headers: {
          ...(options.body && { 'content-length': String(options.body.length) }),
          ...options.headers,
        },
        timeout: TIMEOUT_MS,
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve(reply(res.statusCode ?? 0, res.headers, Buffer.concat(chunks))),
        );
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${method} ${path} timed out`)));
    req.on('error', reject);
    req.end(options.body);
  });
}

/**
 * Sends a request by hand over a socket: the head as given, then `body`, then either half-closes,
 * closes, or waits; resolves with whatever the server wrote before the connection ended.
 */
export function socketRequest(
  base: string,
  head: string,
  body: Buffer,
  then: 'end' | 'destroy',
): Promise<string> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    let answer = '';
    const timer = setTimeout(() => {
      socket.destroy();
      resolve(answer);
    }, 5000);
    socket.on('data', (d: Buffer) => (answer += d.toString('latin1')));
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(answer);
    });
    socket.on('error', (err) => {
      clearTimeout(timer);
      if (answer) resolve(answer);
      else if ((err as NodeJS.ErrnoException).code === 'ECONNRESET') resolve('');
      else reject(err);
    });
    socket.on('connect', () => {
      socket.write(head);
      socket.write(body, () => {
        if (then === 'end') socket.end();
        else setTimeout(() => socket.destroy(), 100);
      });
    });
  });
}

/**
 * Opens a PATCH of the upload at `location` declaring the bytes `from` to `total - 1`; the caller
 * writes (part of) the body. Errors are ignored: these requests are meant to be cut off.
 */
export function openChunk(
  base: string,
  location: string,
  authorization: string,
  from: number,
  total: number,
): ClientRequest {
  const { hostname, port } = new URL(base);
  const req = request({
    host: hostname,
    port,
    method: 'PATCH',
    path: location,
    agent: false,
    headers: {
      authorization,
      'content-range': `${from}-${total - 1}`,
      'content-length': String(total - from),
    },
  });
  req.on('error', () => undefined);
  return req;
}

/** The file an upload session at `location` collects its bytes in. */
export const uploadDataFile = (dataDir: string, location: string): string =>
  join(dataDir, 'registry', 'uploads', location.split('/').pop()!, 'data');

export function parseChallenge(header: string): Record<string, string> {
  const params: Record<string, string> = {};
  for (const m of header.replace(/^Bearer\s+/i, '').matchAll(/(\w+)="([^"]*)"/g))
    params[m[1]] = m[2];
  return params;
}

/**
 * A Distribution client as real ones behave: it answers a 401 challenge by asking the realm for a
 * token with Basic `any:<password>` (or anonymously), adding the challenge's scope to those it
 * already holds, then retries once.
 */
export class RegistryClient {
  private token: string | null = null;
  private readonly scopes = new Set<string>();

  constructor(
    private readonly base: () => string,
    private readonly password: string | null,
  ) {}

  get url(): string {
    return this.base();
  }

  /** Asks the token server for `scopes` (plus those held) the way a client does on a challenge. */
  async authorize(scopes: string[], realm?: string, service = 'regql'): Promise<Reply> {
    for (const s of scopes) this.scopes.add(s);
    const where = new URL(realm ? new URL(realm).pathname : '/auth/token', this.base());
    where.searchParams.set('service', service);
    for (const s of this.scopes) where.searchParams.append('scope', s);
    const headers: Record<string, string> = {};
    if (this.password !== null) headers.authorization = basicAuth('any', this.password);
    const answer = await rawRequest(this.base(), 'GET', where.pathname + where.search, { headers });
    if (answer.status === 200) this.token = answer.json<{ token: string }>().token;
    return answer;
  }

  async request(
    method: string,
    path: string,
    options: { headers?: Record<string, string>; body?: Buffer } = {},
  ): Promise<Reply> {
    const used = this.token;
    const send = () =>
      rawRequest(this.base(), method, path, {
        body: options.body,
        headers: {
          ...(this.token && { authorization: `Bearer ${this.token}` }),
          ...options.headers,
        },
      });
    const first = await send();
    const challenge = first.headers['www-authenticate'];
    if (first.status !== 401 || !challenge || !/^Bearer/i.test(challenge)) return first;
    const { realm, service, scope } = parseChallenge(challenge);
    const known = scope === undefined || this.scopes.has(scope);
    if (known && this.token !== used) return send();
    if (known && this.token) return first;
    const granted = await this.authorize(scope ? scope.split(' ') : [], realm, service);
    if (granted.status !== 200) return first;
    return send();
  }

  get(path: string, headers: Record<string, string> = {}): Promise<Reply> {
    return this.request('GET', path, { headers });
  }

  /** Monolithic upload (POST ?digest=); returns the digest. */
  async pushBlob(repository: string, data: Buffer): Promise<string> {
    const digest = sha256Digest(data);
    const answer = await this.request('POST', `/v2/${repository}/blobs/uploads/?digest=${digest}`, {
      body: data,
      headers: { 'content-type': 'application/octet-stream' },
    });
    if (answer.status !== 201)
      throw new Error(`blob push: ${answer.status} ${answer.body.toString()}`);
    return digest;
  }

  async putManifest(
    repository: string,
    reference: string,
    bytes: Buffer,
    mediaType: string,
  ): Promise<Reply> {
    return this.request('PUT', `/v2/${repository}/manifests/${reference}`, {
      body: bytes,
      headers: { 'content-type': mediaType },
    });
  }

  /** A one-layer image of random content, its blobs pushed; the manifest is not. */
  async imageManifest(
    repository: string,
    options: {
      docker?: boolean;
      subject?: { mediaType: string; digest: string; size: number };
      artifactType?: string;
      annotations?: Record<string, string>;
    } = {},
  ): Promise<{ bytes: Buffer; digest: string; mediaType: string; layer: string; config: string }> {
    const layerBytes = randomBytes(256);
    const configBytes = Buffer.from(
      JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers' } }) +
        ' '.repeat(Math.floor(Math.random() * 64)),
    );
    const layer = await this.pushBlob(repository, layerBytes);
    const config = await this.pushBlob(repository, configBytes);
    const mediaType = options.docker ? DOCKER_MANIFEST : OCI_MANIFEST;
    const bytes = Buffer.from(
      JSON.stringify(
        {
          schemaVersion: 2,
          mediaType,
          ...(options.artifactType && { artifactType: options.artifactType }),
          config: {
            mediaType: options.docker ? DOCKER_CONFIG : OCI_CONFIG,
            digest: config,
            size: configBytes.length,
          },
          layers: [
            {
              mediaType: options.docker ? DOCKER_LAYER : OCI_LAYER,
              digest: layer,
              size: layerBytes.length,
            },
          ],
          ...(options.subject && { subject: options.subject }),
          ...(options.annotations && { annotations: options.annotations }),
        },
        null,
        3,
      ),
    );
    return { bytes, digest: sha256Digest(bytes), mediaType, layer, config };
  }
}
