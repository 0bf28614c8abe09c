import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AddCredentialDocument,
  CreateTokenDocument,
  GrantPullDocument,
  ImportImageFullDocument,
  RevokePullDocument,
  TagImageDocument,
} from '../generated/graphql';
import { basicAuth } from '../helpers/basic-auth';
import { registriesConfigFile } from '../helpers/config-file';
import { startDockerRegistry, type DockerRegistry } from '../helpers/docker-registry';
import { eventually } from '../helpers/events';
import { buildIndex, fileDigest, layoutBlobPath, skopeo, skopeoCopy } from '../helpers/images';
import { ADMIN_TOKEN, startTestServer, type TestServer } from '../helpers/server';
import { pushSyntheticImage } from '../helpers/synthetic-images';
import { startUpstreamProxy, type UpstreamProxy } from '../helpers/upstream-proxy';
import { rawRequest } from './distribution-client';

const auth = { username: 'puller', password: 'pull-through-pass-4242' };
const LAYER_BYTES = 4 * 1024 * 1024;

/**
 * Pull-through: a stream tag whose image lives upstream (imported, referencePolicy LOCAL) is
 * pulled from regql, which fetches it from the htpasswd-protected docker-registry with the
 * namespace's credential, keeps a copy and serves it afterwards without the upstream.
 */
describe('pull-through from the registries an image stream names', () => {
  let registry: DockerRegistry;
  let proxy: UpstreamProxy;
  let server: TestServer;
  let host: string;
  let editor: { username: string; password: string };

  const importLocal = async (stream: string, from: string, namespace = 'team-a') => {
    const res = await server.gql(ImportImageFullDocument, {
      input: {
        namespace,
        stream,
        from,
        confirm: true,
        referencePolicy: 'LOCAL',
        importMode: 'PRESERVE_ORIGINAL',
      },
    });
    expect(res.errors).toBeUndefined();
    expect(res.data!.importImage.images[0].status).toBe('SUCCESS');
    return res.data!.importImage.images[0].image!.digest;
  };
  const pushUpstream = (repository: string, tag: string, layer: Buffer) =>
    pushSyntheticImage(registry.url, repository, tag, {
      authorization: basicAuth(auth.username, auth.password),
      layer,
    });
  const blobGets = (digest: string) =>
    proxy.requests.filter((r) => r.startsWith('GET ') && r.endsWith(`/blobs/${digest}`)).length;
  const storedBlob = (digest: string) =>
    join(server.dataDir, 'registry', 'blobs', 'sha256', digest.slice(7, 9), digest.slice(7));
  const temporaryFiles = () =>
    readdirSync(join(server.dataDir, 'registry', 'uploads')).filter((f) => f.endsWith('.tmp'));
  const pushToRegql = async (reference: string, layer: Buffer) => {
    const [repository, tag] = reference.split(':');
    return pushSyntheticImage(server.url, repository, tag, {
      authorization: basicAuth('admin', ADMIN_TOKEN),
      layer,
    });
  };
  const bearer = async (repository: string, password = editor.password) => {
    const answer = await rawRequest(
      server.url,
      'GET',
      `/auth/token?service=regql&scope=repository:${repository}:pull`,
      { headers: { authorization: basicAuth('ci', password) } },
    );
    return `Bearer ${answer.json<{ token: string }>().token}`;
  };

  beforeAll(async () => {
    registry = await startDockerRegistry({ auth });
    proxy = await startUpstreamProxy(registry.url);
    server = await startTestServer({
      configFile: registriesConfigFile([
        { name: 'upstream', kind: 'DISTRIBUTION', url: proxy.url },
      ]),
      env: { REGQL_UPSTREAM_RETRY_BASE_MS: '5', REGQL_PULL_THROUGH_WITHOUT_COPY: 'team-c' },
    });
    host = new URL(server.url).host;
    const created = await server.gql(CreateTokenDocument, {
      input: { namespace: 'team-a', role: 'EDITOR' },
    });
    editor = { username: 'ci', password: created.data!.createToken.token };
    for (const namespace of ['team-a', 'team-c']) {
      const credential = await server.gql(AddCredentialDocument, {
        input: { namespace, registryHost: proxy.host, ...auth },
      });
      expect(credential.errors).toBeUndefined();
    }
  }, 60000);
  afterAll(async () => {
    await server?.close();
    await proxy?.close();
    await registry?.stop();
  });

  it('serves a multi-platform image imported with LOCAL byte for byte, and lists its tag', async () => {
    const index = await buildIndex(['amd64', 'arm64']);
    await skopeoCopy(`oci:${index.layout}:${index.tag}`, `docker://${proxy.host}/team/multi:v1`, {
      all: true,
      destCreds: auth,
    });
    expect(await importLocal('multi', `${proxy.host}/team/multi:v1`)).toBe(index.descriptor.digest);

    const raw = await skopeo([
      'inspect',
      '--raw',
      '--tls-verify=false',
      `--creds=${editor.username}:${editor.password}`,
      `docker://${host}/team-a/multi:v1`,
    ]);
    expect(
      Buffer.from(raw).equals(readFileSync(layoutBlobPath(index.layout, index.descriptor.digest))),
    ).toBe(true);
    const copy = join(mkdtempSync(join(tmpdir(), 'regql-pulled-')), 'layout');
    await skopeoCopy(`docker://${host}/team-a/multi:v1`, `oci:${copy}:v1`, {
      all: true,
      srcCreds: editor,
    });
    const pulled = readdirSync(join(copy, 'blobs', 'sha256'));
    expect(pulled).toEqual(
      expect.arrayContaining([index.descriptor, ...index.platforms].map((d) => d.digest.slice(7))),
    );
    for (const blob of pulled) {
      expect(await fileDigest(join(copy, 'blobs', 'sha256', blob))).toBe(`sha256:${blob}`);
      expect(existsSync(join(index.layout, 'blobs', 'sha256', blob))).toBe(true);
    }

    const tags = await skopeo([
      'list-tags',
      '--tls-verify=false',
      `--creds=${editor.username}:${editor.password}`,
      `docker://${host}/team-a/multi`,
    ]);
    expect((JSON.parse(tags) as { Tags: string[] }).Tags).toEqual(['v1']);
  });

  it('lists an imported stream in the catalog before anything of it was pulled', async () => {
    await pushUpstream('team/listed', 'v1', randomBytes(512));
    await importLocal('listed', `${proxy.host}/team/listed:v1`);
    const answer = await rawRequest(
      server.url,
      'GET',
      '/auth/token?service=regql&scope=registry:catalog:*',
      {
        headers: { authorization: basicAuth('ci', editor.password) },
      },
    );
    const catalog = await rawRequest(server.url, 'GET', '/v2/_catalog', {
      headers: { authorization: `Bearer ${answer.json<{ token: string }>().token}` },
    });
    expect(catalog.json<{ repositories: string[] }>().repositories).toContain('team-a/listed');
  });

  it('serves a tag that tagImage pointed at an external image, by digest too', async () => {
    const pushed = await pushUpstream('team/ext', 'v1', randomBytes(2048));
    const tagged = await server.gql(TagImageDocument, {
      input: {
        source: `${proxy.host}/team/ext@${pushed.digest}`,
        destination: 'team-a/ext:pinned',
      },
    });
    expect(tagged.errors).toBeUndefined();
    const token = await bearer('team-a/ext');
    const manifest = await rawRequest(server.url, 'GET', '/v2/team-a/ext/manifests/pinned', {
      headers: { authorization: token, accept: 'application/vnd.oci.image.manifest.v1+json' },
    });
    expect(manifest.status).toBe(200);
    expect(manifest.body.equals(pushed.manifest)).toBe(true);
    const layer = await rawRequest(
      server.url,
      'GET',
      `/v2/team-a/ext/blobs/${pushed.layer.digest}`,
      {
        headers: { authorization: token },
      },
    );
    expect(layer.status).toBe(200);
    expect(layer.headers['docker-content-digest']).toBe(pushed.layer.digest);
  });

  it('answers 404 for a blob that no manifest of the stream names, though the upstream has it', async () => {
    const named = await pushUpstream('team/pair', 'named', randomBytes(512));
    const other = await pushUpstream('team/pair', 'other', randomBytes(512));
    await importLocal('pair', `${proxy.host}/team/pair:named`);
    const token = await bearer('team-a/pair');
    expect(
      (
        await rawRequest(server.url, 'GET', '/v2/team-a/pair/manifests/named', {
          headers: { authorization: token },
        })
      ).status,
    ).toBe(200);
    const refused = await rawRequest(
      server.url,
      'GET',
      `/v2/team-a/pair/blobs/${other.layer.digest}`,
      {
        headers: { authorization: token },
      },
    );
    expect(refused.status).toBe(404);
    expect(refused.json<{ errors: { code: string }[] }>().errors[0].code).toBe('BLOB_UNKNOWN');
    expect(blobGets(other.layer.digest)).toBe(0);
    const byDigest = await rawRequest(
      server.url,
      'GET',
      `/v2/team-a/pair/manifests/${other.digest}`,
      {
        headers: { authorization: token },
      },
    );
    expect(byDigest.status).toBe(404);
    expect(named.digest).not.toBe(other.digest);
  });

  it('fetches a blob that two clients pull at once with one upstream GET, then serves it locally', async () => {
    const layer = randomBytes(LAYER_BYTES);
    const pushed = await pushUpstream('team/big', 'v1', layer);
    await importLocal('big', `${proxy.host}/team/big:v1`);
    const token = await bearer('team-a/big');
    const manifest = await rawRequest(server.url, 'GET', '/v2/team-a/big/manifests/v1', {
      headers: { authorization: token },
    });
    expect(manifest.status).toBe(200);
    proxy.blobs.bytesPer10ms = 256 * 1024;
    try {
      const path = `/v2/team-a/big/blobs/${pushed.layer.digest}`;
      const [a, b] = await Promise.all([
        rawRequest(server.url, 'GET', path, { headers: { authorization: token } }),
        rawRequest(server.url, 'GET', path, { headers: { authorization: token } }),
      ]);
      expect([a.status, b.status]).toEqual([200, 200]);
      expect(a.body.equals(layer)).toBe(true);
      expect(b.body.equals(layer)).toBe(true);
    } finally {
      proxy.blobs = {};
    }
    expect(blobGets(pushed.layer.digest)).toBe(1);
    await eventually(() => existsSync(storedBlob(pushed.layer.digest)), 'the blob kept');
    const again = await rawRequest(
      server.url,
      'GET',
      `/v2/team-a/big/blobs/${pushed.layer.digest}`,
      {
        headers: { authorization: token },
      },
    );
    expect(again.body.equals(layer)).toBe(true);
    expect(blobGets(pushed.layer.digest)).toBe(1);
  });

  it('leaves no partial blob when every client went away mid-pull, and fetches anew later', async () => {
    const layer = randomBytes(LAYER_BYTES);
    const pushed = await pushUpstream('team/cut', 'v1', layer);
    await importLocal('cut', `${proxy.host}/team/cut:v1`);
    const token = await bearer('team-a/cut');
    await rawRequest(server.url, 'GET', '/v2/team-a/cut/manifests/v1', {
      headers: { authorization: token },
    });
    proxy.blobs.bytesPer10ms = 16 * 1024;
    const abandonedBefore = proxy.abandonedBlobs;
    try {
      const controller = new AbortController();
      const res = await fetch(`${server.url}/v2/team-a/cut/blobs/${pushed.layer.digest}`, {
        headers: { authorization: token },
        signal: controller.signal,
      });
      expect(res.status).toBe(200);
      const reader = res.body!.getReader();
      await reader.read();
      controller.abort();
      await eventually(
        () => proxy.abandonedBlobs === abandonedBefore + 1,
        'the upstream read abandoned',
      );
      await eventually(() => temporaryFiles().length === 0, 'the partial file removed');
      expect(existsSync(storedBlob(pushed.layer.digest))).toBe(false);
    } finally {
      proxy.blobs = {};
    }
    const whole = await rawRequest(
      server.url,
      'GET',
      `/v2/team-a/cut/blobs/${pushed.layer.digest}`,
      {
        headers: { authorization: token },
      },
    );
    expect(whole.body.equals(layer)).toBe(true);
  });

  it('completes the fetch for a client still reading when another went away', async () => {
    const layer = randomBytes(LAYER_BYTES);
    const pushed = await pushUpstream('team/half', 'v1', layer);
    await importLocal('half', `${proxy.host}/team/half:v1`);
    const token = await bearer('team-a/half');
    await rawRequest(server.url, 'GET', '/v2/team-a/half/manifests/v1', {
      headers: { authorization: token },
    });
    const path = `/v2/team-a/half/blobs/${pushed.layer.digest}`;
    proxy.blobs.bytesPer10ms = 64 * 1024;
    try {
      const controller = new AbortController();
      const leaving = await fetch(`${server.url}${path}`, {
        headers: { authorization: token },
        signal: controller.signal,
      });
      const staying = await fetch(`${server.url}${path}`, { headers: { authorization: token } });
      const reader = staying.body!.getReader();
      const chunks: Uint8Array[] = [(await reader.read()).value!];
      await leaving.body!.getReader().read();
      controller.abort();
      for (let part = await reader.read(); !part.done; part = await reader.read())
        chunks.push(part.value);
      expect(Buffer.concat(chunks).equals(layer)).toBe(true);
    } finally {
      proxy.blobs = {};
    }
    expect(blobGets(pushed.layer.digest)).toBe(1);
    await eventually(() => existsSync(storedBlob(pushed.layer.digest)), 'the blob kept');
  });

  it('cuts the body short and keeps nothing when the upstream sends bytes that do not match', async () => {
    const layer = randomBytes(64 * 1024);
    const pushed = await pushUpstream('team/liar', 'v1', layer);
    await importLocal('liar', `${proxy.host}/team/liar:v1`);
    const token = await bearer('team-a/liar');
    await rawRequest(server.url, 'GET', '/v2/team-a/liar/manifests/v1', {
      headers: { authorization: token },
    });
    proxy.blobs.corrupt = true;
    try {
      const whole = fetch(`${server.url}/v2/team-a/liar/blobs/${pushed.layer.digest}`, {
        headers: { authorization: token },
      }).then((res) => res.arrayBuffer());
      await expect(whole).rejects.toThrow();
    } finally {
      proxy.blobs = {};
    }
    expect(existsSync(storedBlob(pushed.layer.digest))).toBe(false);
    await eventually(() => temporaryFiles().length === 0, 'the partial file removed');
  });

  it('serves an image tagged from another stream, and from another namespace while it may pull', async () => {
    const layer = randomBytes(4096);
    const own = await pushToRegql('team-a/source:v1', layer);
    const foreign = await pushToRegql('team-b/app:v1', randomBytes(4096));
    const later = await pushToRegql('team-b/app:v2', randomBytes(4096));
    const tag = (source: string, destination: string) =>
      server.gql(TagImageDocument, { input: { source, destination } });
    expect((await tag('team-a/source:v1', 'team-a/copy:v1')).errors).toBeUndefined();
    await server.gql(GrantPullDocument, { input: { namespace: 'team-a', from: 'team-b' } });
    expect((await tag('team-b/app:v1', 'team-a/fromb:v1')).errors).toBeUndefined();
    expect((await tag('team-b/app:v2', 'team-a/fromb:v2')).errors).toBeUndefined();

    const token = await bearer('team-a/copy');
    const blob = await rawRequest(server.url, 'GET', `/v2/team-a/copy/blobs/${own.layer.digest}`, {
      headers: { authorization: token },
    });
    expect(blob.status).toBe(404);
    const manifest = await rawRequest(server.url, 'GET', '/v2/team-a/copy/manifests/v1', {
      headers: { authorization: token },
    });
    expect(manifest.body.equals(own.manifest)).toBe(true);
    const copied = await rawRequest(
      server.url,
      'GET',
      `/v2/team-a/copy/blobs/${own.layer.digest}`,
      {
        headers: { authorization: token },
      },
    );
    expect(copied.body.equals(layer)).toBe(true);

    const fromB = await bearer('team-a/fromb');
    const pull = (reference: string) =>
      rawRequest(server.url, 'GET', `/v2/team-a/fromb/manifests/${reference}`, {
        headers: { authorization: fromB },
      });
    expect((await pull('v1')).body.equals(foreign.manifest)).toBe(true);
    await server.gql(RevokePullDocument, { input: { namespace: 'team-a', from: 'team-b' } });
    const refused = await pull('v2');
    expect(refused.status).toBe(404);
    expect(refused.body.toString()).not.toContain(later.layer.digest);
  });

  it('streams without keeping a copy for a namespace configured so', async () => {
    const layer = randomBytes(256 * 1024);
    const pushed = await pushUpstream('team/nocopy', 'v1', layer);
    await importLocal('nocopy', `${proxy.host}/team/nocopy:v1`, 'team-c');
    const token = await bearer('team-c/nocopy', ADMIN_TOKEN);
    await rawRequest(server.url, 'GET', '/v2/team-c/nocopy/manifests/v1', {
      headers: { authorization: token },
    });
    for (let i = 0; i < 2; i++) {
      const res = await rawRequest(
        server.url,
        'GET',
        `/v2/team-c/nocopy/blobs/${pushed.layer.digest}`,
        {
          headers: { authorization: token },
        },
      );
      expect(res.body.equals(layer)).toBe(true);
    }
    expect(blobGets(pushed.layer.digest)).toBe(2);
    expect(existsSync(storedBlob(pushed.layer.digest))).toBe(false);
    await eventually(() => temporaryFiles().length === 0, 'the streamed file removed');
  });

  it('serves what it pulled through once the upstream is gone', async () => {
    await proxy.close();
    const copy = join(mkdtempSync(join(tmpdir(), 'regql-offline-')), 'layout');
    await skopeoCopy(`docker://${host}/team-a/multi:v1`, `oci:${copy}:v1`, {
      all: true,
      srcCreds: editor,
    });
    expect(readdirSync(join(copy, 'blobs', 'sha256')).length).toBeGreaterThan(4);
  });
});
