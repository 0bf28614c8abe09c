import { randomBytes } from 'node:crypto';
import { sha256Digest } from '../../src/oci/digest';
import { OCI_MANIFEST } from '../../src/oci/media-types';
import { buildImage, skopeoCopy } from '../helpers/images';
import { startTestServer, type TestServer } from '../helpers/server';
import { chunkedPatch, editorOf, startSession, uploadBytes, uploadIds } from './registry-pushers';

const KiB = 1024;
const MiB = 1024 * KiB;
const QUOTA = 3 * MiB;

/** `total` random bytes in 64 KiB pieces. */
const pieces = (total: number) =>
  Array.from({ length: Math.ceil(total / (64 * KiB)) }, () => randomBytes(64 * KiB));

describe('the namespace quota (registry.namespaceQuotaBytes)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ env: { REGQL_NAMESPACE_QUOTA_BYTES: String(QUOTA) } });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('refuses with 403 DENIED an upload, a chunk and a manifest that would pass it, and keeps nothing partial', async () => {
    const { client, bearer } = await editorOf(server, 'team-a', ['team-a/app']);
    await client.pushBlob('team-a/app', randomBytes(MiB));

    const tooBig = randomBytes(3 * MiB);
    const monolithic = await client.request(
      'POST',
      `/v2/team-a/app/blobs/uploads/?digest=${sha256Digest(tooBig)}`,
      { body: tooBig },
    );
    expect(monolithic.status).toBe(403);
    expect(monolithic.code()).toBe('DENIED');
    expect(monolithic.body.toString()).toMatch(
      new RegExp(`namespace team-a holds ${MiB} of its ${QUOTA} bytes`),
    );
    expect(uploadIds(server.dataDir)).toEqual([]);

    const location = await startSession(client, 'team-a/app');
    const first = randomBytes(512 * KiB);
    const accepted = await client.request('PATCH', location, {
      body: first,
      headers: { 'content-range': `0-${first.length - 1}` },
    });
    expect(accepted.status).toBe(202);

    const crossing = await chunkedPatch(server.url, location, bearer, undefined, pieces(2 * MiB));
    expect(crossing.status).toBe(403);
    expect(crossing.body).toMatch(/"DENIED".*namespace team-a holds/);
    expect(uploadBytes(server.dataDir, location)).toBe(first.length);
    expect((await client.get(location)).headers.range).toBe(`0-${first.length - 1}`);

    const declared = await client.request('PATCH', location, { body: randomBytes(2 * MiB) });
    expect(declared.status).toBe(403);
    expect(uploadBytes(server.dataDir, location)).toBe(first.length);

    const second = randomBytes(MiB);
    expect((await client.request('PATCH', location, { body: second })).status).toBe(202);
    const digest = sha256Digest(Buffer.concat([first, second]));
    expect((await client.request('PUT', `${location}?digest=${digest}`)).status).toBe(201);

    // 2.5 MiB held: fill it up to 50 bytes short, then a manifest does not fit.
    const configBytes = Buffer.from('{"architecture":"amd64","os":"linux"}');
    const config = await client.pushBlob('team-a/app', configBytes);
    await client.pushBlob('team-a/app', randomBytes(QUOTA - 2.5 * MiB - configBytes.length - 50));
    const manifest = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: OCI_MANIFEST,
        config: {
          mediaType: 'application/vnd.oci.image.config.v1+json',
          digest: config,
          size: configBytes.length,
        },
        layers: [
          {
            mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip',
            digest,
            size: first.length + second.length,
          },
        ],
      }),
    );
    const refused = await client.putManifest('team-a/app', 'v1', manifest, OCI_MANIFEST);
    expect(refused.status).toBe(403);
    expect(refused.code()).toBe('DENIED');
    expect(refused.body.toString()).toContain(`holds ${QUOTA - 50} of its ${QUOTA} bytes`);
    expect((await client.get('/v2/team-a/app/manifests/v1')).status).toBe(404);

    const { client: other } = await editorOf(server, 'team-b', ['team-b/app']);
    await other.pushBlob('team-b/app', randomBytes(2 * MiB));
  });

  it('lets concurrent chunks of one namespace pass it only together with the bytes that fit', async () => {
    const { client, bearer } = await editorOf(server, 'team-c', ['team-c/app']);
    const sessions = [
      await startSession(client, 'team-c/app'),
      await startSession(client, 'team-c/app'),
    ];
    const answers = await Promise.all(
      sessions.map((location) =>
        chunkedPatch(server.url, location, bearer, undefined, pieces(2 * MiB)),
      ),
    );
    expect(answers.map((a) => a.status).sort()).toEqual([202, 403]);
    const held = sessions.map((location) => uploadBytes(server.dataDir, location));
    expect(held.sort()).toEqual([0, 2 * MiB]);
  });

  it('fails a skopeo push with the DENIED message', async () => {
    const { client, token } = await editorOf(server, 'team-d', ['team-d/filler']);
    await client.pushBlob('team-d/filler', randomBytes(QUOTA - 100));
    const image = await buildImage();
    const host = new URL(server.url).host;
    await expect(
      skopeoCopy(`oci:${image.layout}:${image.tag}`, `docker://${host}/team-d/app:v1`, {
        destCreds: { username: 'ci', password: token },
      }),
    ).rejects.toThrow(/denied: namespace team-d holds \d+ of its 3145728 bytes/);
    expect((await client.get('/v2/team-d/app/manifests/v1')).status).toBe(404);
  });
});
