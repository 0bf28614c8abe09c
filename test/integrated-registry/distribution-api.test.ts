import { randomBytes } from 'node:crypto';
import { CreateTokenDocument } from '../generated/graphql';
import { sha256Digest } from '../../src/oci/digest';
import {
  DOCKER_MANIFEST,
  DOCKER_MANIFEST_LIST,
  DOCKER_SCHEMA1_SIGNED,
  manifestAccept,
  OCI_INDEX,
  OCI_MANIFEST,
} from '../../src/oci/media-types';
import { ADMIN_TOKEN, startTestServer, type TestServer } from '../helpers/server';
import { parseChallenge, rawRequest, RegistryClient } from './distribution-client';

/** A manifest list or index of two children, amd64 then arm64. */
const indexOf = (
  mediaType: string,
  childType: string,
  children: { digest: string; bytes: Buffer }[],
) =>
  Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType,
      manifests: children.map((m, i) => ({
        mediaType: childType,
        digest: m.digest,
        size: m.bytes.length,
        platform: { os: 'linux', architecture: i === 0 ? 'amd64' : 'arm64' },
      })),
    }),
  );

describe('the integrated registry over the raw Distribution API', () => {
  let server: TestServer;
  let editor: RegistryClient;
  let viewer: RegistryClient;
  let otherEditor: RegistryClient;
  let admin: RegistryClient;
  let editorToken: string;

  const client = (password: string | null) => new RegistryClient(() => server.url, password);

  beforeAll(async () => {
    server = await startTestServer();
    const token = async (namespace: string, role: 'EDITOR' | 'VIEWER') =>
      (await server.gql(CreateTokenDocument, { input: { namespace, role } })).data!.createToken
        .token;
    editorToken = await token('team-a', 'EDITOR');
    editor = client(editorToken);
    viewer = client(await token('team-a', 'VIEWER'));
    otherEditor = client(await token('team-b', 'EDITOR'));
    admin = client(ADMIN_TOKEN);
  });
  afterAll(async () => {
    await server?.close();
  });

  describe('authentication', () => {
    it('challenges on /v2/ and lets a client in with a token from the realm', async () => {
      const anonymous = await rawRequest(server.url, 'GET', '/v2/');
      expect(anonymous.status).toBe(401);
      expect(anonymous.headers['docker-distribution-api-version']).toBe('registry/2.0');
      const { realm, service } = parseChallenge(String(anonymous.headers['www-authenticate']));
      expect(new URL(realm).pathname).toBe('/auth/token');
      expect(service).toBe('regql');

      const granted = await client(editorToken).authorize(['repository:team-a/app:pull,push']);
      expect(granted.status).toBe(200);
      const body = granted.json<Record<string, unknown>>();
      expect(body).toMatchObject({ token: expect.any(String), expires_in: expect.any(Number) });
      expect(body.access_token).toBe(body.token);
      expect(Number.isNaN(Date.parse(String(body.issued_at)))).toBe(false);
      const base = await rawRequest(server.url, 'GET', '/v2/', {
        headers: { authorization: `Bearer ${String(body.token)}` },
      });
      expect(base.status).toBe(200);
      expect(base.headers['docker-distribution-api-version']).toBe('registry/2.0');

      expect((await client('rgq_not-a-token').authorize([])).status).toBe(401);
      const forged = await rawRequest(server.url, 'GET', '/v2/team-a/app/tags/list', {
        headers: { authorization: `Bearer ${String(body.token).slice(0, -2)}xx` },
      });
      expect(forged.status).toBe(401);
    });

    it('grants only the intersection of what was asked and what the caller may do', async () => {
      const c = client(editorToken);
      await c.authorize(['repository:team-b/app:pull,push', 'repository:team-a/app:pull']);
      const push = await rawRequest(server.url, 'POST', '/v2/team-a/app/blobs/uploads/', {
        headers: { authorization: `Bearer ${(c as unknown as { token: string }).token}` },
      });
      expect(push.status).toBe(401);
      expect(parseChallenge(String(push.headers['www-authenticate'])).scope).toBe(
        'repository:team-a/app:pull,push',
      );
    });
  });

  describe('blob uploads', () => {
    it('takes a monolithic upload and serves the blob by GET and HEAD', async () => {
      const data = randomBytes(3000);
      const digest = sha256Digest(data);
      const put = await editor.request('POST', `/v2/team-a/mono/blobs/uploads/?digest=${digest}`, {
        body: data,
        headers: { 'content-type': 'application/octet-stream' },
      });
      expect(put.status).toBe(201);
      expect(put.headers.location).toBe(`/v2/team-a/mono/blobs/${digest}`);
      expect(put.headers['docker-content-digest']).toBe(digest);

      const get = await editor.get(`/v2/team-a/mono/blobs/${digest}`);
      expect(get.status).toBe(200);
      expect(get.body.equals(data)).toBe(true);
      expect(get.headers['docker-content-digest']).toBe(digest);
      const head = await editor.request('HEAD', `/v2/team-a/mono/blobs/${digest}`);
      expect(head.status).toBe(200);
      expect(head.headers['content-length']).toBe(String(data.length));
      expect(head.headers['docker-content-digest']).toBe(digest);
      expect(head.body.length).toBe(0);
      expect((await viewer.get(`/v2/team-a/mono/blobs/${digest}`)).status).toBe(200);
      expect((await otherEditor.get(`/v2/team-a/mono/blobs/${digest}`)).status).toBe(401);
    });

    it('takes a chunked upload, reports its status, and refuses an out-of-order chunk with 416', async () => {
      const data = randomBytes(10000);
      const start = await editor.request('POST', '/v2/team-a/chunked/blobs/uploads/');
      expect(start.status).toBe(202);
      const location = String(start.headers.location);
      expect(location).toMatch(/^\/v2\/team-a\/chunked\/blobs\/uploads\/[0-9a-f-]+$/);
      expect(start.headers['docker-upload-uuid']).toBeDefined();

      const first = await editor.request('PATCH', location, {
        body: data.subarray(0, 4000),
        headers: { 'content-type': 'application/octet-stream', 'content-range': '0-3999' },
      });
      expect(first.status).toBe(202);
      expect(first.headers.range).toBe('0-3999');
      expect(first.headers.location).toBe(location);

      const status = await editor.get(location);
      expect(status.status).toBe(204);
      expect(status.headers.range).toBe('0-3999');
      expect(status.headers.location).toBe(location);

      const skipped = await editor.request('PATCH', location, {
        body: data.subarray(5000, 6000),
        headers: { 'content-type': 'application/octet-stream', 'content-range': '5000-5999' },
      });
      expect(skipped.status).toBe(416);
      expect(skipped.headers.range).toBe('0-3999');
      expect(skipped.headers.location).toBe(location);
      const replayed = await editor.request('PATCH', location, {
        body: data.subarray(0, 1000),
        headers: { 'content-type': 'application/octet-stream', 'content-range': '0-999' },
      });
      expect(replayed.status).toBe(416);
      expect((await editor.get(location)).headers.range).toBe('0-3999');

      const second = await editor.request('PATCH', location, {
        body: data.subarray(4000, 8000),
        headers: { 'content-type': 'application/octet-stream', 'content-range': '4000-7999' },
      });
      expect(second.status).toBe(202);
      expect(second.headers.range).toBe('0-7999');

      const digest = sha256Digest(data);
      const done = await editor.request('PUT', `${location}?digest=${digest}`, {
        body: data.subarray(8000),
        headers: { 'content-type': 'application/octet-stream' },
      });
      expect(done.status).toBe(201);
      expect(done.headers['docker-content-digest']).toBe(digest);
      expect((await editor.get(`/v2/team-a/chunked/blobs/${digest}`)).body.equals(data)).toBe(true);
      expect((await editor.get(location)).status).toBe(404);
    });

    it('cancels an upload with DELETE', async () => {
      const start = await editor.request('POST', '/v2/team-a/cancel/blobs/uploads/');
      const location = String(start.headers.location);
      await editor.request('PATCH', location, { body: randomBytes(100) });
      const cancelled = await editor.request('DELETE', location);
      expect(cancelled.status).toBe(204);
      const status = await editor.get(location);
      expect(status.status).toBe(404);
      expect(status.code()).toBe('BLOB_UPLOAD_UNKNOWN');
      expect((await editor.request('PATCH', location, { body: randomBytes(10) })).status).toBe(404);
    });

    it('cancels an upload with a token that may push but not delete', async () => {
      const c = client(editorToken);
      await c.authorize(['repository:team-a/cancel:pull,push']);
      const start = await c.request('POST', '/v2/team-a/cancel/blobs/uploads/');
      expect(start.status).toBe(202);
      const location = String(start.headers.location);
      expect((await c.get(location)).status).toBe(204);
      expect((await c.request('DELETE', location)).status).toBe(204);
    });

    it('does not let another repository touch an upload', async () => {
      const start = await editor.request('POST', '/v2/team-a/mine/blobs/uploads/');
      const id = String(start.headers.location).split('/').pop()!;
      const elsewhere = await editor.get(`/v2/team-a/theirs/blobs/uploads/${id}`);
      expect(elsewhere.status).toBe(404);
      expect(elsewhere.code()).toBe('BLOB_UPLOAD_UNKNOWN');
      expect((await editor.get(`/v2/team-a/mine/blobs/uploads/not-an-upload`)).status).toBe(404);
    });

    it('keeps an upload across a restart and finishes it afterwards', async () => {
      const data = randomBytes(50000);
      const start = await editor.request('POST', '/v2/team-a/restart/blobs/uploads/');
      const location = String(start.headers.location);
      await editor.request('PATCH', location, {
        body: data.subarray(0, 20000),
        headers: { 'content-range': '0-19999' },
      });
      await server.restart();
      const status = await editor.get(location);
      expect(status.status).toBe(204);
      expect(status.headers.range).toBe('0-19999');
      const rest = await editor.request('PATCH', location, {
        body: data.subarray(20000),
        headers: { 'content-range': '20000-49999' },
      });
      expect(rest.status).toBe(202);
      const digest = sha256Digest(data);
      const done = await editor.request('PUT', `${location}?digest=${digest}`);
      expect(done.status).toBe(201);
      const get = await editor.get(`/v2/team-a/restart/blobs/${digest}`);
      expect(get.body.equals(data)).toBe(true);
    });
  });

  describe('cross-repository mount', () => {
    it('mounts a blob the caller may pull (201) and falls back to an upload (202) otherwise', async () => {
      const data = randomBytes(500);
      const digest = await editor.pushBlob('team-a/source', data);
      const c = client(editorToken);
      await c.authorize(['repository:team-a/target:pull,push', 'repository:team-a/source:pull']);
      const mounted = await c.request(
        'POST',
        `/v2/team-a/target/blobs/uploads/?mount=${digest}&from=team-a/source`,
      );
      expect(mounted.status).toBe(201);
      expect(mounted.headers.location).toBe(`/v2/team-a/target/blobs/${digest}`);
      expect(mounted.headers['docker-content-digest']).toBe(digest);
      expect((await c.get(`/v2/team-a/target/blobs/${digest}`)).body.equals(data)).toBe(true);

      const absent = sha256Digest(randomBytes(10));
      const fallback = await c.request(
        'POST',
        `/v2/team-a/target/blobs/uploads/?mount=${absent}&from=team-a/source`,
      );
      expect(fallback.status).toBe(202);
      expect(fallback.headers.location).toMatch(/^\/v2\/team-a\/target\/blobs\/uploads\//);
      expect((await c.get(String(fallback.headers.location))).status).toBe(204);

      const secret = randomBytes(300);
      const secretDigest = await otherEditor.pushBlob('team-b/secret', secret);
      await c.authorize(['repository:team-b/secret:pull']);
      const denied = await c.request(
        'POST',
        `/v2/team-a/target/blobs/uploads/?mount=${secretDigest}&from=team-b/secret`,
      );
      expect(denied.status).toBe(202);
      expect((await c.request('HEAD', `/v2/team-a/target/blobs/${secretDigest}`)).status).toBe(404);
      const finish = await c.request(
        'PUT',
        `${String(denied.headers.location)}?digest=${secretDigest}`,
        { body: secret },
      );
      expect(finish.status).toBe(201);
    });
  });

  describe('blob deletion', () => {
    it('deletes a blob from a repository', async () => {
      const digest = await editor.pushBlob('team-a/del', randomBytes(100));
      expect((await viewer.request('DELETE', `/v2/team-a/del/blobs/${digest}`)).status).toBe(401);
      const removed = await editor.request('DELETE', `/v2/team-a/del/blobs/${digest}`);
      expect(removed.status).toBe(202);
      const head = await editor.request('HEAD', `/v2/team-a/del/blobs/${digest}`);
      expect(head.status).toBe(404);
      const again = await editor.request('DELETE', `/v2/team-a/del/blobs/${digest}`);
      expect(again.status).toBe(404);
      expect(again.code()).toBe('BLOB_UNKNOWN');
      const get = await editor.get(`/v2/team-a/del/blobs/${digest}`);
      expect(get.code()).toBe('BLOB_UNKNOWN');
    });
  });

  describe('manifests', () => {
    it('stores an OCI manifest by tag and serves the exact bytes by tag and digest', async () => {
      const image = await editor.imageManifest('team-a/oci');
      const put = await editor.putManifest('team-a/oci', 'v1', image.bytes, OCI_MANIFEST);
      expect(put.status).toBe(201);
      expect(put.headers['docker-content-digest']).toBe(image.digest);
      expect(put.headers.location).toBe(`/v2/team-a/oci/manifests/${image.digest}`);

      for (const reference of ['v1', image.digest]) {
        const get = await editor.get(`/v2/team-a/oci/manifests/${reference}`, {
          accept: manifestAccept,
        });
        expect(get.status).toBe(200);
        expect(get.body.equals(image.bytes)).toBe(true);
        expect(get.headers['content-type']).toBe(OCI_MANIFEST);
        expect(get.headers['docker-content-digest']).toBe(image.digest);
        const head = await editor.request('HEAD', `/v2/team-a/oci/manifests/${reference}`, {
          headers: { accept: manifestAccept },
        });
        expect(head.status).toBe(200);
        expect(head.body.length).toBe(0);
        expect(head.headers['content-length']).toBe(String(image.bytes.length));
        expect(head.headers['docker-content-digest']).toBe(image.digest);
        expect(head.headers['content-type']).toBe(OCI_MANIFEST);
      }
      const missing = await editor.get('/v2/team-a/oci/manifests/nope');
      expect(missing.status).toBe(404);
      expect(missing.code()).toBe('MANIFEST_UNKNOWN');
    });

    it('stores a manifest by digest, and deletes by tag and by digest', async () => {
      const image = await editor.imageManifest('team-a/bydigest');
      const put = await editor.putManifest(
        'team-a/bydigest',
        image.digest,
        image.bytes,
        OCI_MANIFEST,
      );
      expect(put.status).toBe(201);
      expect(put.headers['docker-content-digest']).toBe(image.digest);
      expect(
        (await editor.putManifest('team-a/bydigest', 'latest', image.bytes, OCI_MANIFEST)).status,
      ).toBe(201);

      expect((await viewer.request('DELETE', '/v2/team-a/bydigest/manifests/latest')).status).toBe(
        401,
      );
      const untag = await editor.request('DELETE', '/v2/team-a/bydigest/manifests/latest');
      expect(untag.status).toBe(202);
      expect((await editor.get('/v2/team-a/bydigest/manifests/latest')).status).toBe(404);
      expect((await editor.get(`/v2/team-a/bydigest/manifests/${image.digest}`)).status).toBe(200);

      await editor.putManifest('team-a/bydigest', 'again', image.bytes, OCI_MANIFEST);
      const removed = await editor.request(
        'DELETE',
        `/v2/team-a/bydigest/manifests/${image.digest}`,
      );
      expect(removed.status).toBe(202);
      for (const reference of ['again', image.digest]) {
        const get = await editor.get(`/v2/team-a/bydigest/manifests/${reference}`);
        expect(get.status).toBe(404);
        expect(get.code()).toBe('MANIFEST_UNKNOWN');
      }
      const again = await editor.request('DELETE', `/v2/team-a/bydigest/manifests/${image.digest}`);
      expect(again.status).toBe(404);
    });

    it('deletes with a token obtained from the delete challenge alone', async () => {
      const image = await editor.imageManifest('team-a/delchallenge');
      await editor.putManifest('team-a/delchallenge', 'v1', image.bytes, OCI_MANIFEST);
      const fresh = client(editorToken);
      const removed = await fresh.request('DELETE', '/v2/team-a/delchallenge/manifests/v1');
      expect(removed.status).toBe(202);
    });

    it('stores Docker schema 2 manifests, a Docker manifest list and an OCI index', async () => {
      const docker = [
        await editor.imageManifest('team-a/multi', { docker: true }),
        await editor.imageManifest('team-a/multi', { docker: true }),
      ];
      for (const [i, m] of docker.entries())
        expect(
          (await editor.putManifest('team-a/multi', `docker-${i}`, m.bytes, DOCKER_MANIFEST))
            .status,
        ).toBe(201);
      const list = indexOf(DOCKER_MANIFEST_LIST, DOCKER_MANIFEST, docker);
      const oci = [
        await editor.imageManifest('team-a/multi'),
        await editor.imageManifest('team-a/multi'),
      ];
      for (const m of oci)
        expect(
          (await editor.putManifest('team-a/multi', m.digest, m.bytes, OCI_MANIFEST)).status,
        ).toBe(201);
      const index = indexOf(OCI_INDEX, OCI_MANIFEST, oci);
      for (const [tag, bytes, type] of [
        ['list', list, DOCKER_MANIFEST_LIST],
        ['index', index, OCI_INDEX],
      ] as const) {
        const put = await editor.putManifest('team-a/multi', tag, bytes, type);
        expect(put.status).toBe(201);
        expect(put.headers['docker-content-digest']).toBe(sha256Digest(bytes));
        const get = await editor.get(`/v2/team-a/multi/manifests/${tag}`, {
          accept: manifestAccept,
        });
        expect(get.body.equals(bytes)).toBe(true);
        expect(get.headers['content-type']).toBe(type);
        expect(get.headers['docker-content-digest']).toBe(sha256Digest(bytes));
      }
      const get = await editor.get('/v2/team-a/multi/manifests/docker-0', {
        accept: manifestAccept,
      });
      expect(get.headers['content-type']).toBe(DOCKER_MANIFEST);
      expect(get.body.equals(docker[0].bytes)).toBe(true);
    });

    it('refuses a manifest naming blobs the repository lacks, and a digest that does not match', async () => {
      const image = await editor.imageManifest('team-a/other-repo');
      const unknown = await editor.putManifest('team-a/lacking', 'v1', image.bytes, OCI_MANIFEST);
      expect(unknown.status).toBe(400);
      expect(unknown.code()).toBe('MANIFEST_BLOB_UNKNOWN');
      expect((await editor.get('/v2/team-a/lacking/manifests/v1')).status).toBe(404);
      expect((await editor.get(`/v2/team-a/lacking/manifests/${image.digest}`)).status).toBe(404);

      const wrong = sha256Digest('something else');
      const mismatch = await editor.putManifest(
        'team-a/other-repo',
        wrong,
        image.bytes,
        OCI_MANIFEST,
      );
      expect(mismatch.status).toBe(400);
      expect(mismatch.code()).toBe('DIGEST_INVALID');
      expect((await editor.get(`/v2/team-a/other-repo/manifests/${image.digest}`)).status).toBe(
        404,
      );

      const garbage = await editor.putManifest(
        'team-a/other-repo',
        'v1',
        Buffer.from('{"not":"a manifest"}'),
        OCI_MANIFEST,
      );
      expect(garbage.status).toBe(400);
      expect(garbage.code()).toBe('MANIFEST_INVALID');
      const schema1 = await editor.putManifest(
        'team-a/other-repo',
        'v1',
        Buffer.from('{"schemaVersion":1,"name":"x","tag":"v1","fsLayers":[]}'),
        DOCKER_SCHEMA1_SIGNED,
      );
      expect(schema1.status).toBe(400);
      expect(schema1.code()).toBe('UNSUPPORTED');
    });
  });

  describe('listings', () => {
    const followLinks = async (c: RegistryClient, first: string, key: string) => {
      const pages: string[][] = [];
      let next: string | null = first;
      for (let i = 0; next && i < 50; i++) {
        const page = await c.get(next);
        expect(page.status).toBe(200);
        pages.push(page.json<Record<string, string[]>>()[key]);
        const link = page.headers.link as string | undefined;
        next = link ? /^<([^>]+)>;\s*rel="next"$/.exec(link)![1] : null;
      }
      return pages;
    };

    it('lists tags in lexical order, paged with n, last and Link', async () => {
      const image = await editor.imageManifest('team-a/tagged');
      const tags = ['v2', 'a', 'v10', 'B', '_z', 'latest', 'v1'];
      for (const tag of tags)
        expect(
          (await editor.putManifest('team-a/tagged', tag, image.bytes, OCI_MANIFEST)).status,
        ).toBe(201);
      const sorted = [...tags].sort();
      const all = await viewer.get('/v2/team-a/tagged/tags/list');
      expect(all.json()).toEqual({ name: 'team-a/tagged', tags: sorted });
      expect(all.headers.link).toBeUndefined();

      const pages = await followLinks(viewer, '/v2/team-a/tagged/tags/list?n=3', 'tags');
      expect(pages).toEqual([sorted.slice(0, 3), sorted.slice(3, 6), sorted.slice(6)]);
      const after = await viewer.get(`/v2/team-a/tagged/tags/list?n=2&last=${sorted[1]}`);
      expect(after.json()).toEqual({ name: 'team-a/tagged', tags: sorted.slice(2, 4) });
      const none = await viewer.get('/v2/team-a/tagged/tags/list?n=0');
      expect(none.status).toBe(200);
      expect(none.json()).toEqual({ name: 'team-a/tagged', tags: [] });
      expect(none.headers.link).toBeUndefined();
      const exact = await followLinks(
        viewer,
        `/v2/team-a/tagged/tags/list?n=${tags.length}`,
        'tags',
      );
      expect(exact).toEqual([sorted]);

      const unknown = await viewer.get('/v2/team-a/never-pushed/tags/list');
      expect(unknown.status).toBe(404);
      expect(unknown.code()).toBe('NAME_UNKNOWN');
      expect((await viewer.get('/v2/team-a/tagged/tags/list?n=-1')).status).toBe(400);
    });

    it('lists repositories in _catalog with n, last and Link, only those the caller may see', async () => {
      for (const repo of ['team-b/cat-1', 'team-b/cat-2', 'team-b/cat-3']) {
        const image = await otherEditor.imageManifest(repo);
        await otherEditor.putManifest(repo, 'v1', image.bytes, OCI_MANIFEST);
      }
      const anonymous = await rawRequest(server.url, 'GET', '/v2/_catalog');
      expect(anonymous.status).toBe(401);
      expect(parseChallenge(String(anonymous.headers['www-authenticate'])).scope).toBe(
        'registry:catalog:*',
      );
      const all = (await admin.get('/v2/_catalog')).json<{ repositories: string[] }>().repositories;
      expect(all).toEqual([...all].sort());
      expect(all).toEqual(expect.arrayContaining(['team-a/oci', 'team-b/cat-1', 'team-b/cat-3']));
      const pages = await followLinks(admin, '/v2/_catalog?n=2', 'repositories');
      expect(pages.flat()).toEqual(all);
      expect(pages.slice(0, -1).every((p) => p.length === 2)).toBe(true);
      const none = await admin.get('/v2/_catalog?n=0');
      expect(none.json()).toEqual({ repositories: [] });
      expect(none.headers.link).toBeUndefined();
      const after = await admin.get('/v2/_catalog?last=team-b/cat-1&n=1');
      expect(after.json()).toEqual({ repositories: ['team-b/cat-2'] });

      const mine = (await otherEditor.get('/v2/_catalog')).json<{ repositories: string[] }>();
      expect(mine.repositories).toEqual(['team-b/cat-1', 'team-b/cat-2', 'team-b/cat-3']);
    });
  });

  describe('referrers', () => {
    it('announces OCI-Subject and lists referrers, filtered by artifactType', async () => {
      const subject = await editor.imageManifest('team-a/signed');
      await editor.putManifest('team-a/signed', 'v1', subject.bytes, OCI_MANIFEST);
      const descriptor = {
        mediaType: OCI_MANIFEST,
        digest: subject.digest,
        size: subject.bytes.length,
      };
      const sbom = await editor.imageManifest('team-a/signed', {
        subject: descriptor,
        artifactType: 'application/spdx+json',
        annotations: { 'org.example.kind': 'sbom' },
      });
      const signature = await editor.imageManifest('team-a/signed', {
        subject: descriptor,
        artifactType: 'application/vnd.dev.cosign.artifact.sig.v1+json',
      });
      for (const m of [sbom, signature]) {
        const put = await editor.putManifest('team-a/signed', m.digest, m.bytes, OCI_MANIFEST);
        expect(put.status).toBe(201);
        expect(put.headers['oci-subject']).toBe(subject.digest);
      }
      const all = await viewer.get(`/v2/team-a/signed/referrers/${subject.digest}`);
      expect(all.status).toBe(200);
      expect(all.headers['content-type']).toBe(OCI_INDEX);
      expect(all.headers['oci-filters-applied']).toBeUndefined();
      const index = all.json<{
        schemaVersion: number;
        mediaType: string;
        manifests: Record<string, unknown>[];
      }>();
      expect(index.schemaVersion).toBe(2);
      expect(index.mediaType).toBe(OCI_INDEX);
      expect(index.manifests).toHaveLength(2);
      expect(index.manifests).toEqual(
        expect.arrayContaining([
          {
            mediaType: OCI_MANIFEST,
            digest: sbom.digest,
            size: sbom.bytes.length,
            artifactType: 'application/spdx+json',
            annotations: { 'org.example.kind': 'sbom' },
          },
          expect.objectContaining({
            digest: signature.digest,
            artifactType: 'application/vnd.dev.cosign.artifact.sig.v1+json',
          }),
        ]),
      );

      const filtered = await viewer.get(
        `/v2/team-a/signed/referrers/${subject.digest}?artifactType=${encodeURIComponent('application/spdx+json')}`,
      );
      expect(filtered.headers['oci-filters-applied']).toBe('artifactType');
      expect(
        filtered.json<{ manifests: { digest: string }[] }>().manifests.map((m) => m.digest),
      ).toEqual([sbom.digest]);

      const none = await viewer.get(`/v2/team-a/signed/referrers/${sha256Digest('nothing')}`);
      expect(none.status).toBe(200);
      expect(none.json()).toMatchObject({ schemaVersion: 2, manifests: [] });
      const bad = await viewer.get('/v2/team-a/signed/referrers/sha256:nothex');
      expect(bad.status).toBe(400);
    });
  });

  describe('bad digests', () => {
    it('refuses a monolithic upload whose bytes do not hash to its digest, and stores nothing', async () => {
      const data = randomBytes(2000);
      const claimed = sha256Digest(randomBytes(2000));
      const answer = await editor.request(
        'POST',
        `/v2/team-a/baddigest/blobs/uploads/?digest=${claimed}`,
        { body: data },
      );
      expect(answer.status).toBe(400);
      expect(answer.code()).toBe('DIGEST_INVALID');
      for (const digest of [claimed, sha256Digest(data)])
        expect((await editor.request('HEAD', `/v2/team-a/baddigest/blobs/${digest}`)).status).toBe(
          404,
        );
      const malformed = await editor.request(
        'POST',
        '/v2/team-a/baddigest/blobs/uploads/?digest=sha256:xyz',
        { body: data },
      );
      expect(malformed.status).toBe(400);
      expect(malformed.code()).toBe('DIGEST_INVALID');
    });

    it('refuses to finish a chunked upload under the wrong digest, and lets it finish under the right one', async () => {
      const data = randomBytes(2000);
      const start = await editor.request('POST', '/v2/team-a/baddigest/blobs/uploads/');
      const location = String(start.headers.location);
      await editor.request('PATCH', location, { body: data });
      const wrong = sha256Digest('wrong');
      const answer = await editor.request('PUT', `${location}?digest=${wrong}`);
      expect(answer.status).toBe(400);
      expect(answer.code()).toBe('DIGEST_INVALID');
      expect((await editor.request('HEAD', `/v2/team-a/baddigest/blobs/${wrong}`)).status).toBe(
        404,
      );
      expect(
        (await editor.request('HEAD', `/v2/team-a/baddigest/blobs/${sha256Digest(data)}`)).status,
      ).toBe(404);
      const missing = await editor.request('PUT', location);
      expect(missing.status).toBe(400);
      const right = await editor.request('PUT', `${location}?digest=${sha256Digest(data)}`);
      expect(right.status).toBe(201);
    });
  });
});
