import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { parseChallenge } from '../../src/oci/client/challenge';
import { RegistryClient } from '../../src/oci/client/registry-client';
import { TokenCache } from '../../src/oci/client/token-cache';
import { Transport, transportDefaults } from '../../src/oci/client/transport';
import { parseManifest } from '../../src/oci/manifest';
import { manifestMediaTypes } from '../../src/oci/media-types';
import { UpstreamError } from '../../src/oci/upstream-error';
import { basicAuth } from '../helpers/basic-auth';
import { selfSignedCertificate } from '../helpers/tls';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

async function serve(
  handler: Handler,
  server: Server = createServer(),
): Promise<{ url: string; close: () => Promise<void> }> {
  server.on('request', handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const scheme = 'cert' in server ? 'https' : 'http';
  return {
    url: `${scheme}://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

const transport = (overrides: Partial<typeof transportDefaults> = {}) =>
  new Transport({ ...transportDefaults, timeoutMs: 3000, retryBaseMs: 5, ...overrides });

const manifest = Buffer.from(
  JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: {
      mediaType: 'application/vnd.oci.image.config.v1+json',
      digest: `sha256:${'a'.repeat(64)}`,
      size: 2,
    },
    layers: [],
  }),
);

describe('the distribution client', () => {
  it('runs the Bearer challenge flow with Basic credentials, scopes, and a 60 s default token life', async () => {
    const seen: { path: string; authorization?: string; accept?: string }[] = [];
    let tokens = 0;
    const registry = await serve((req, res) => {
      seen.push({
        path: req.url!,
        authorization: req.headers.authorization,
        accept: req.headers.accept,
      });
      if (req.url!.startsWith('/token')) {
        tokens += 1;
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ token: `t${tokens}` }));
        return;
      }
      if (req.headers.authorization !== `Bearer t${tokens}` || tokens === 0) {
        res
          .writeHead(401, {
            'www-authenticate': `Bearer realm="http://${req.headers.host}/token",service="test.registry",scope="repository:team/app:pull"`,
          })
          .end();
        return;
      }
      res
        .writeHead(200, { 'content-type': 'application/vnd.oci.image.manifest.v1+json' })
        .end(manifest);
    });
    const cache = new TokenCache();
    const client = new RegistryClient(new URL(registry.url), transport(), cache);
    try {
      const credential = { id: 'c1', username: 'alice', secret: 'pw', kind: 'BASIC' };
      await client.getManifest('team/app', 'v1', credential);
      await client.getManifest('team/app', 'v1', credential);
      expect(tokens).toBe(1);
      const tokenRequest = seen.find((s) => s.path.startsWith('/token'))!;
      expect(tokenRequest.path).toBe(
        '/token?service=test.registry&scope=repository%3Ateam%2Fapp%3Apull',
      );
      expect(tokenRequest.authorization).toBe(basicAuth('alice', 'pw'));
      const accept = seen.find((s) => s.path.includes('/manifests/'))!.accept!;
      for (const type of manifestMediaTypes) expect(accept).toContain(type);
      const key = TokenCache.key({
        realm: `${registry.url}/token`,
        service: 'test.registry',
        scopes: ['repository:team/app:pull'],
        credentialId: 'c1',
      });
      expect(cache.get(key, Date.now() + 50_000)).toBe('t1');
      expect(cache.get(key, Date.now() + 56_000)).toBeUndefined();
    } finally {
      await registry.close();
    }
  });

  it('keeps at most maxConnections requests open towards one registry', async () => {
    let open = 0;
    let peak = 0;
    const registry = await serve((_req, res) => {
      open += 1;
      peak = Math.max(peak, open);
      setTimeout(() => {
        open -= 1;
        res
          .writeHead(200, { 'content-type': 'application/vnd.oci.image.manifest.v1+json' })
          .end(manifest);
      }, 20);
    });
    const client = new RegistryClient(
      new URL(registry.url),
      transport({ maxConnections: 3 }),
      new TokenCache(),
    );
    try {
      await Promise.all(Array.from({ length: 12 }, () => client.getManifest('a/b', 'v1', null)));
      expect(peak).toBe(3);
    } finally {
      await registry.close();
    }
  });

  it('verifies TLS unless the registry is insecure, and trusts a configured CA', async () => {
    const files = selfSignedCertificate();
    const ca = readFileSync(files.cert, 'utf8');
    const registry = await serve(
      (_req, res) => res.writeHead(200).end('{}'),
      createTlsServer({ cert: ca, key: readFileSync(files.key) }),
    );
    const ping = (options: Partial<typeof transportDefaults> & { ca?: string }) =>
      new RegistryClient(
        new URL(registry.url),
        new Transport({ ...transportDefaults, retries: 0, ...options }),
        new TokenCache(),
      ).ping(null);
    try {
      await expect(ping({})).rejects.toMatchObject({ code: 'UPSTREAM_UNAVAILABLE' });
      await expect(ping({ insecure: true })).resolves.toMatchObject({ ok: true });
      await expect(ping({ ca })).resolves.toMatchObject({ ok: true });
    } finally {
      await registry.close();
    }
  });

  it('reads challenges with quoted commas and both schemes', () => {
    expect(
      parseChallenge(
        'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:a/b:pull,push"',
      ),
    ).toEqual({
      scheme: 'Bearer',
      realm: 'https://auth.docker.io/token',
      service: 'registry.docker.io',
    });
    expect(parseChallenge('Basic realm="Registry Realm"')).toEqual({
      scheme: 'Basic',
      realm: 'Registry Realm',
    });
    expect(parseChallenge('Negotiate')).toBeNull();
  });
});

describe('manifest parsing', () => {
  const parse = (doc: unknown, type?: string) =>
    parseManifest(Buffer.from(JSON.stringify(doc)), type);

  it('reads Docker manifest lists and OCI indexes with platforms', () => {
    const list = parse({
      schemaVersion: 2,
      mediaType: 'application/vnd.docker.distribution.manifest.list.v2+json',
      manifests: [
        {
          mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
          digest: `sha256:${'b'.repeat(64)}`,
          size: 7,
          platform: { os: 'linux', architecture: 'arm', variant: 'v7' },
        },
      ],
    });
    expect(list).toMatchObject({
      kind: 'index',
      manifests: [{ platform: { os: 'linux', architecture: 'arm', variant: 'v7' } }],
    });
  });

  it('reports schema 1 as unsupported and rejects broken documents', () => {
    const code = (fn: () => unknown) => {
      try {
        fn();
        return 'ok';
      } catch (err) {
        return (err as UpstreamError).code;
      }
    };
    expect(code(() => parse({ schemaVersion: 1, name: 'a', fsLayers: [] }))).toBe(
      'UPSTREAM_UNSUPPORTED',
    );
    expect(
      code(() =>
        parse(
          { schemaVersion: 2, layers: [] },
          'application/vnd.docker.distribution.manifest.v1+prettyjws',
        ),
      ),
    ).toBe('UPSTREAM_UNSUPPORTED');
    expect(
      code(() =>
        parse({
          schemaVersion: 2,
          mediaType: 'application/vnd.oci.image.manifest.v1+json',
          config: { digest: 'x' },
          layers: [],
        }),
      ),
    ).toBe('UPSTREAM_INVALID');
    expect(code(() => parseManifest(Buffer.alloc(5 * 1024 * 1024, 32)))).toBe('UPSTREAM_INVALID');
    expect(code(() => parseManifest(Buffer.from('{"schemaVersion":')))).toBe('UPSTREAM_INVALID');
  });
});
