import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sha256Digest } from '../../src/oci/digest';
import { manifestAccept, OCI_MANIFEST } from '../../src/oci/media-types';
import { CreateTokenDocument } from '../generated/graphql';
import { startDockerRegistry, type DockerRegistry } from '../helpers/docker-registry';
import { buildImage, layoutBlobPath, skopeoCopy } from '../helpers/images';
import { waitUntil } from '../helpers/processes';
import { ADMIN_TOKEN, startTestServer, type TestServer } from '../helpers/server';
import {
  openChunk,
  rawRequest,
  RegistryClient,
  socketRequest,
  uploadDataFile,
} from './distribution-client';

const uploadsIn = (dataDir: string) => readdirSync(join(dataDir, 'registry', 'uploads'));

describe('the integrated registry against bad input and misbehaving clients', () => {
  let server: TestServer;
  let editor: RegistryClient;
  let bearer: string;

  beforeAll(async () => {
    server = await startTestServer();
    const token = (
      await server.gql(CreateTokenDocument, { input: { namespace: 'team-a', role: 'EDITOR' } })
    ).data!.createToken.token;
    editor = new RegistryClient(() => server.url, token);
    const granted = await editor.authorize([
      'repository:team-a/app:pull,push,delete',
      'repository:team-a/big:pull,push',
      'repository:team-a/sizes:pull,push',
      'repository:team-a/drop:pull,push',
      'repository:team-b/app:pull',
    ]);
    bearer = `Bearer ${granted.json<{ token: string }>().token}`;
    const image = await editor.imageManifest('team-a/app');
    expect((await editor.putManifest('team-a/app', 'v1', image.bytes, OCI_MANIFEST)).status).toBe(
      201,
    );
  });
  afterAll(async () => {
    await server?.close();
  });

  const uploadsBackTo = (count: number) =>
    waitUntil(
      async () => uploadsIn(server.dataDir).length === count,
      'the abandoned upload to be removed',
      5000,
    );

  describe('names', () => {
    const digest = sha256Digest('x');
    it.each([
      ['upper case', '/v2/Team-A/app/manifests/v1'],
      ['one component', '/v2/app/manifests/v1'],
      ['three components', '/v2/team-a/app/extra/manifests/v1'],
      ['a dot segment', '/v2/team-a/./app/manifests/v1'],
      ['a parent segment', '/v2/team-a/app/../../team-b/app/manifests/v1'],
      ['an encoded parent segment', '/v2/team-a/app/%2e%2e/%2e%2e/team-b/app/manifests/v1'],
      ['an upper-case encoded parent segment', '/v2/team-a/%2E%2E/team-b/app/tags/list'],
      ['an encoded slash', '/v2/team-a%2Fapp/manifests/v1'],
      ['an encoded slash in the stream', '/v2/team-a/app%2F..%2F..%2Fteam-b%2Fapp/manifests/v1'],
      ['an empty segment', '/v2/team-a//app/manifests/v1'],
      [
        'a parent segment in a blob path',
        `/v2/team-a/app/blobs/../../../team-b/app/blobs/${digest}`,
      ],
      ['a parent segment in an upload path', '/v2/team-a/app/blobs/uploads/../../../etc/passwd'],
      ['a parent segment before tags', '/v2/team-a/app/../app/tags/list'],
      ['underscores', '/v2/team_a/app/tags/list'],
    ])('answers NAME_INVALID for %s', async (_what, path) => {
      const answer = await rawRequest(server.url, 'GET', path, {
        headers: { authorization: bearer },
      });
      expect(answer.status).toBe(400);
      expect(answer.code()).toBe('NAME_INVALID');
    });
  });

  describe('sizes', () => {
    it('refuses a manifest over 4 MiB with 413, declared or streamed, and stores nothing', async () => {
      const image = await editor.imageManifest('team-a/big');
      const doc = JSON.parse(image.bytes.toString()) as Record<string, unknown>;
      doc.annotations = { padding: 'x'.repeat(4 * 1024 * 1024) };
      const bytes = Buffer.from(JSON.stringify(doc));
      const declared = await editor.putManifest('team-a/big', 'huge', bytes, OCI_MANIFEST);
      expect(declared.status).toBe(413);
      expect((await editor.get('/v2/team-a/big/manifests/huge')).status).toBe(404);

      const streamed = await new Promise<number>((resolve, reject) => {
        const { hostname, port } = new URL(server.url);
        const req = request(
          {
            host: hostname,
            port,
            method: 'PUT',
            path: '/v2/team-a/big/manifests/huge',
            agent: false,
            headers: { authorization: bearer, 'content-type': OCI_MANIFEST },
            timeout: 15000,
          },
          (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          },
        );
        req.on('error', reject);
        req.on('timeout', () => req.destroy(new Error('timed out')));
        req.write(bytes.subarray(0, 1024));
        req.end(bytes.subarray(1024));
      });
      expect(streamed).toBe(413);
      expect((await editor.get('/v2/team-a/big/manifests/huge')).status).toBe(404);
      expect((await editor.get(`/v2/team-a/big/manifests/${sha256Digest(bytes)}`)).status).toBe(
        404,
      );
      expect((await rawRequest(server.url, 'GET', '/healthz')).status).toBe(200);
    });

    it('stores nothing from a body shorter than its Content-Length', async () => {
      const data = randomBytes(1000);
      const digest = sha256Digest(data);
      const before = uploadsIn(server.dataDir).length;
      await socketRequest(
        server.url,
        `POST /v2/team-a/sizes/blobs/uploads/?digest=${digest} HTTP/1.1\r\nHost: 127.0.0.1\r\n` +
          `Authorization: ${bearer}\r\nContent-Length: 2000\r\n\r\n`,
        data,
        'end',
      );
      await uploadsBackTo(before);
      expect((await editor.request('HEAD', `/v2/team-a/sizes/blobs/${digest}`)).status).toBe(404);

      const start = await editor.request('POST', '/v2/team-a/sizes/blobs/uploads/');
      const location = String(start.headers.location);
      await editor.request('PATCH', location, { body: data.subarray(0, 100) });
      await socketRequest(
        server.url,
        `PATCH ${location} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: ${bearer}\r\n` +
          `Content-Range: 100-1999\r\nContent-Length: 1900\r\n\r\n`,
        data.subarray(100),
        'end',
      );
      // Until the server has dropped the cut-off chunk, the upload is busy (416) with it.
      await waitUntil(
        async () =>
          (
            await editor.request('PATCH', location, {
              body: data.subarray(100),
              headers: { 'content-range': '100-999' },
            })
          ).status === 202,
        'the cut-off chunk to be dropped and the retry taken',
        5000,
      );
      expect((await editor.request('PUT', `${location}?digest=${digest}`)).status).toBe(201);
      expect((await editor.get(`/v2/team-a/sizes/blobs/${digest}`)).body.equals(data)).toBe(true);
    });

    it('stores nothing from a body longer than its Content-Length', async () => {
      const data = randomBytes(1000);
      const digest = sha256Digest(data);
      const before = uploadsIn(server.dataDir).length;
      const answer = await socketRequest(
        server.url,
        `POST /v2/team-a/sizes/blobs/uploads/?digest=${digest} HTTP/1.1\r\nHost: 127.0.0.1\r\n` +
          `Authorization: ${bearer}\r\nContent-Length: 600\r\nConnection: close\r\n\r\n`,
        data,
        'end',
      );
      expect(answer).toMatch(/^HTTP\/1\.1 400 /);
      await uploadsBackTo(before);
      expect((await editor.request('HEAD', `/v2/team-a/sizes/blobs/${digest}`)).status).toBe(404);
      expect(
        (
          await editor.request(
            'HEAD',
            `/v2/team-a/sizes/blobs/${sha256Digest(data.subarray(0, 600))}`,
          )
        ).status,
      ).toBe(404);
    });

    it('leaves no upload behind when a monolithic upload fails', async () => {
      const before = new Set(uploadsIn(server.dataDir));
      const bad = await editor.request(
        'POST',
        `/v2/team-a/sizes/blobs/uploads/?digest=${sha256Digest('other')}`,
        { body: randomBytes(100) },
      );
      expect(bad.code()).toBe('DIGEST_INVALID');
      const malformed = await editor.request(
        'POST',
        '/v2/team-a/sizes/blobs/uploads/?digest=sha256:1234',
        { body: randomBytes(100) },
      );
      expect(malformed.code()).toBe('DIGEST_INVALID');
      expect(uploadsIn(server.dataDir).filter((u) => !before.has(u))).toEqual([]);
    });
  });

  describe('a client that goes away mid-download', () => {
    it('costs the server nothing lasting: the file is closed and the next download is whole', async () => {
      const data = randomBytes(48 * 1024 * 1024);
      const digest = await editor.pushBlob('team-a/big', data);
      const openFiles = () => readdirSync('/proc/self/fd').length;
      const before = openFiles();
      for (let i = 0; i < 5; i++) {
        await new Promise<void>((resolve, reject) => {
          const url = new URL(`/v2/team-a/big/blobs/${digest}`, server.url);
          const req = request(url, { headers: { authorization: bearer } }, (res) => {
            expect(res.statusCode).toBe(200);
            res.once('data', () => {
              req.destroy();
              resolve();
            });
          });
          req.on('error', (err) => (req.destroyed ? resolve() : reject(err)));
          req.end();
        });
      }
      await waitUntil(async () => openFiles() <= before, 'the blob files to be closed', 5000);
      const whole = await editor.get(`/v2/team-a/big/blobs/${digest}`);
      expect(whole.status).toBe(200);
      expect(sha256Digest(whole.body)).toBe(digest);
    });
  });

  describe('a client that goes away mid-upload', () => {
    it('drops the partial chunk and lets the upload be resumed', async () => {
      const data = randomBytes(8 * 1024 * 1024);
      const start = await editor.request('POST', '/v2/team-a/drop/blobs/uploads/');
      const location = String(start.headers.location);
      expect(
        (
          await editor.request('PATCH', location, {
            body: data.subarray(0, 1024 * 1024),
            headers: { 'content-range': `0-${1024 * 1024 - 1}` },
          })
        ).status,
      ).toBe(202);

      const req = openChunk(server.url, location, bearer, 1024 * 1024, data.length);
      req.write(data.subarray(1024 * 1024, 3 * 1024 * 1024));
      await waitUntil(
        async () => readFileSync(uploadDataFile(server.dataDir, location)).length > 1024 * 1024,
        'part of the chunk to arrive',
        5000,
      );
      req.destroy();

      await waitUntil(
        async () => (await editor.get(location)).headers.range === `0-${1024 * 1024 - 1}`,
        'the partial chunk to be dropped',
        5000,
      );
      const resumed = await editor.request('PATCH', location, {
        body: data.subarray(1024 * 1024),
        headers: { 'content-range': `${1024 * 1024}-${data.length - 1}` },
      });
      expect(resumed.status).toBe(202);
      expect(resumed.headers.range).toBe(`0-${data.length - 1}`);
      const digest = sha256Digest(data);
      expect((await editor.request('PUT', `${location}?digest=${digest}`)).status).toBe(201);
      expect((await editor.get(`/v2/team-a/drop/blobs/${digest}`)).body.equals(data)).toBe(true);
    });
  });
  describe('two requests on one upload at once', () => {
    it('refuses the second with 416 while the first writes, and keeps the first intact', async () => {
      const data = randomBytes(4 * 1024 * 1024);
      const digest = sha256Digest(data);
      const start = await editor.request('POST', '/v2/team-a/drop/blobs/uploads/');
      const location = String(start.headers.location);
      const first = openChunk(server.url, location, bearer, 0, data.length);
      const answered = new Promise<number | undefined>((resolve) =>
        first.on('response', (res) => {
          res.resume();
          resolve(res.statusCode);
        }),
      );
      first.write(data.subarray(0, 1024 * 1024));
      await waitUntil(
        async () => readFileSync(uploadDataFile(server.dataDir, location)).length > 0,
        'part of the first chunk to arrive',
        5000,
      );

      for (const [method, path, body] of [
        ['PATCH', location, data.subarray(0, 10)],
        ['PUT', `${location}?digest=${digest}`, data.subarray(0, 10)],
        ['DELETE', location, undefined],
      ] as const) {
        const refused = await editor.request(method, path, { body });
        expect([method, refused.status]).toEqual([method, 416]);
        expect(refused.json<{ errors: { code: string }[] }>().errors[0].code).toBe(
          'BLOB_UPLOAD_INVALID',
        );
      }
      expect((await editor.get(location)).status).toBe(204);

      first.end(data.subarray(1024 * 1024));
      expect(await answered).toBe(202);
      expect((await editor.request('PUT', `${location}?digest=${digest}`)).status).toBe(201);
      expect((await editor.get(`/v2/team-a/drop/blobs/${digest}`)).body.equals(data)).toBe(true);
    });
  });
});

describe('anonymous pulls', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({ env: { REGQL_PUBLIC_NAMESPACES: 'pub' } });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('are allowed in namespaces configured public, and nowhere else', async () => {
    const admin = new RegistryClient(() => server.url, ADMIN_TOKEN);
    const pub = await admin.imageManifest('pub/app');
    expect((await admin.putManifest('pub/app', 'v1', pub.bytes, OCI_MANIFEST)).status).toBe(201);
    const priv = await admin.imageManifest('team-a/app');
    expect((await admin.putManifest('team-a/app', 'v1', priv.bytes, OCI_MANIFEST)).status).toBe(
      201,
    );

    const anonymous = new RegistryClient(() => server.url, null);
    const manifest = await anonymous.get('/v2/pub/app/manifests/v1', { accept: manifestAccept });
    expect(manifest.status).toBe(200);
    expect(manifest.body.equals(pub.bytes)).toBe(true);
    expect((await anonymous.get(`/v2/pub/app/blobs/${pub.layer}`)).status).toBe(200);
    expect((await anonymous.get('/v2/pub/app/tags/list')).json()).toEqual({
      name: 'pub/app',
      tags: ['v1'],
    });
    expect((await rawRequest(server.url, 'GET', '/v2/pub/app/manifests/v1')).status).toBe(200);

    expect((await anonymous.get('/v2/team-a/app/manifests/v1')).status).toBe(401);
    expect((await anonymous.get(`/v2/team-a/app/blobs/${priv.layer}`)).status).toBe(401);
    expect((await anonymous.request('POST', '/v2/pub/app/blobs/uploads/')).status).toBe(401);
    expect((await anonymous.request('DELETE', '/v2/pub/app/manifests/v1')).status).toBe(401);
    expect((await anonymous.get('/v2/_catalog')).status).toBe(401);
    const token = await new RegistryClient(() => server.url, null).authorize([
      'repository:pub/app:pull,push,delete',
    ]);
    expect(token.status).toBe(200);
    const access = JSON.parse(
      Buffer.from(token.json<{ token: string }>().token.split('.')[0], 'base64url').toString(),
    ) as { access: { actions: string[] }[] };
    expect(access.access.map((a) => a.actions)).toEqual([['pull']]);
  });
});

describe('a copy through a real docker-registry and back', () => {
  let server: TestServer;
  let docker: DockerRegistry;

  beforeAll(async () => {
    server = await startTestServer();
    docker = await startDockerRegistry();
  });
  afterAll(async () => {
    await docker?.stop();
    await server?.close();
  });

  it('is byte for byte the same image', async () => {
    const host = new URL(server.url).host;
    const creds = { username: 'ci', password: ADMIN_TOKEN };
    const image = await buildImage({ labels: { via: 'docker-registry' } });
    await skopeoCopy(`oci:${image.layout}:${image.tag}`, `docker://${docker.host}/src/app:v1`);
    await skopeoCopy(`docker://${docker.host}/src/app:v1`, `docker://${host}/team-a/app:v1`, {
      destCreds: creds,
    });
    await skopeoCopy(`docker://${host}/team-a/app:v1`, `docker://${docker.host}/back/app:v1`, {
      srcCreds: creds,
    });
    const regql = new RegistryClient(() => server.url, ADMIN_TOKEN);
    const fromDocker = async (path: string) =>
      rawRequest(docker.url, 'GET', path, { headers: { accept: manifestAccept } });

    const original = await fromDocker('/v2/src/app/manifests/v1');
    const stored = await regql.get('/v2/team-a/app/manifests/v1', { accept: manifestAccept });
    const back = await fromDocker('/v2/back/app/manifests/v1');
    expect(original.status).toBe(200);
    expect(stored.status).toBe(200);
    expect(back.status).toBe(200);
    const local = readFileSync(layoutBlobPath(image.layout, image.descriptor.digest));
    expect(original.body.equals(local)).toBe(true);
    expect(stored.body.equals(original.body)).toBe(true);
    expect(back.body.equals(original.body)).toBe(true);
    expect(stored.headers['docker-content-digest']).toBe(image.descriptor.digest);
    expect(back.headers['docker-content-digest']).toBe(image.descriptor.digest);
    expect(stored.headers['content-type']).toBe(original.headers['content-type']);

    const manifest = original.json<{ config: { digest: string }; layers: { digest: string }[] }>();
    for (const digest of [manifest.config.digest, ...manifest.layers.map((l) => l.digest)]) {
      const a = await fromDocker(`/v2/src/app/blobs/${digest}`);
      const b = await regql.get(`/v2/team-a/app/blobs/${digest}`);
      const c = await fromDocker(`/v2/back/app/blobs/${digest}`);
      expect(sha256Digest(a.body)).toBe(digest);
      expect(b.body.equals(a.body)).toBe(true);
      expect(c.body.equals(a.body)).toBe(true);
    }
  });
});
