import { randomBytes } from 'node:crypto';
import { sha256Digest } from '../../src/oci/digest';
import { CLI_TEST_TIMEOUT_MS, runCli } from '../helpers/cli';
import { waitUntil } from '../helpers/processes';
import { startTestServer, type TestServer } from '../helpers/server';
import { openChunk } from '../integrated-registry/distribution-client';
import {
  backdate,
  chunkedPatch,
  editorOf,
  startSession,
  uploadBytes,
  uploadExists,
  uploadIds,
} from './registry-pushers';

// Runs the built command: the helper's waits for its output are bounded (OUTPUT_TIMEOUT_MS),
// so the test's own timeout is longer and a stuck process fails with its output.
jest.setTimeout(CLI_TEST_TIMEOUT_MS);

const MiB = 1024 * 1024;

/** A PATCH sending `data.subarray(0, written)` of a chunk declared `0-(data.length - 1)`, then pausing. */
async function pausedChunk(server: TestServer, location: string, bearer: string, data: Buffer) {
  const req = openChunk(server.url, location, bearer, 0, data.length);
  const answered = new Promise<number | undefined>((resolve) =>
    req.on('response', (res) => {
      res.resume();
      resolve(res.statusCode);
    }),
  );
  req.write(data.subarray(0, MiB));
  await waitUntil(
    async () => uploadBytes(server.dataDir, location) === MiB,
    'the first part of the chunk to be written',
    10000,
  );
  return {
    finish: async () => {
      req.end(data.subarray(MiB));
      return answered;
    },
  };
}

describe('abandoned uploads (an EDITOR filling the disk with sessions it never finishes)', () => {
  it('are reclaimed by collectGarbage once older than uploadMaxAgeSeconds; young ones and one being written stay', async () => {
    const server = await startTestServer();
    try {
      const { client, bearer } = await editorOf(server, 'team-a', ['team-a/app']);
      const abandoned: string[] = [];
      for (let i = 0; i < 2; i++) {
        const location = await startSession(client, 'team-a/app');
        const chunk = await client.request('PATCH', location, {
          body: randomBytes(MiB),
          headers: { 'content-range': `0-${MiB - 1}` },
        });
        expect(chunk.status).toBe(202);
        backdate(server.dataDir, location, 2);
        abandoned.push(location);
      }
      const young = await startSession(client, 'team-a/app');
      await client.request('PATCH', young, { body: randomBytes(1000) });
      const data = randomBytes(2 * MiB);
      const writing = await startSession(client, 'team-a/app');
      const paused = await pausedChunk(server, writing, bearer, data);
      backdate(server.dataDir, writing, 2);

      const swept = await server.raw(
        'mutation { collectGarbage(graceSeconds: 0) { removedUploads freedUploadBytes } }',
      );
      expect(swept.errors).toBeUndefined();
      expect(swept.data).toEqual({
        collectGarbage: { removedUploads: 2, freedUploadBytes: 2 * MiB },
      });
      for (const location of abandoned) {
        expect(uploadExists(server.dataDir, location)).toBe(false);
        expect((await client.get(location)).status).toBe(404);
      }
      expect((await client.get(young)).headers.range).toBe('0-999');

      expect(await paused.finish()).toBe(202);
      const digest = sha256Digest(data);
      expect((await client.request('PUT', `${writing}?digest=${digest}`)).status).toBe(201);
      expect((await client.get(`/v2/team-a/app/blobs/${digest}`)).body.equals(data)).toBe(true);
      expect(uploadIds(server.dataDir)).toHaveLength(1);
    } finally {
      await server.close();
    }
  });

  it('are reclaimed by `regql gc` on the data directory', async () => {
    const server = await startTestServer();
    const { client } = await editorOf(server, 'team-a', ['team-a/app']);
    const location = await startSession(client, 'team-a/app');
    await client.request('PATCH', location, { body: randomBytes(5000) });
    backdate(server.dataDir, location, 2);
    await server.app.close();
    const run = runCli(['gc'], { REGQL_DATA_DIR: server.dataDir });
    expect(await run.exited).toBe(0);
    expect(run.stdout()).toMatch(/^removed 1 abandoned uploads \(5000 bytes\)$/m);
    expect(uploadIds(server.dataDir)).toEqual([]);
  });

  it('are reclaimed in the background without anyone running gc, except one being written', async () => {
    const server = await startTestServer({ env: { REGQL_UPLOAD_MAX_AGE_SECONDS: '2' } });
    try {
      const { client, bearer } = await editorOf(server, 'team-a', ['team-a/app']);
      const data = randomBytes(2 * MiB);
      const writing = await startSession(client, 'team-a/app');
      const paused = await pausedChunk(server, writing, bearer, data);
      backdate(server.dataDir, writing, 2);
      // Two sweeps in turn: the second began after the paused upload already looked abandoned.
      for (let sweep = 0; sweep < 2; sweep++) {
        const location = await startSession(client, 'team-a/app');
        await client.request('PATCH', location, { body: randomBytes(1000) });
        backdate(server.dataDir, location, 2);
        await waitUntil(
          async () => !uploadExists(server.dataDir, location),
          'the abandoned upload to be removed',
          10000,
        );
      }
      expect(uploadExists(server.dataDir, writing)).toBe(true);
      expect(await paused.finish()).toBe(202);
      const digest = sha256Digest(data);
      expect((await client.request('PUT', `${writing}?digest=${digest}`)).status).toBe(201);
    } finally {
      await server.close();
    }
  });
});

describe('upload sessions per namespace', () => {
  it('are capped: one more is refused with 429 TOOMANYREQUESTS saying the limit and how to free it', async () => {
    const server = await startTestServer({ env: { REGQL_MAX_UPLOADS_PER_NAMESPACE: '3' } });
    try {
      const { client } = await editorOf(server, 'team-a', ['team-a/app', 'team-a/other']);
      const { client: other } = await editorOf(server, 'team-b', ['team-b/app']);
      const open = [
        await startSession(client, 'team-a/app'),
        await startSession(client, 'team-a/other'),
        await startSession(client, 'team-a/app'),
      ];
      const refused = await client.request('POST', '/v2/team-a/other/blobs/uploads/');
      expect(refused.status).toBe(429);
      expect(refused.code()).toBe('TOOMANYREQUESTS');
      expect(refused.body.toString()).toMatch(/team-a has 3 open uploads.*DELETE/);
      const blob = randomBytes(100);
      const monolithic = await client.request(
        'POST',
        `/v2/team-a/app/blobs/uploads/?digest=${sha256Digest(blob)}`,
        { body: blob },
      );
      expect(monolithic.status).toBe(429);
      expect(uploadIds(server.dataDir)).toHaveLength(3);
      expect((await other.request('POST', '/v2/team-b/app/blobs/uploads/')).status).toBe(202);

      expect((await client.request('DELETE', open[0])).status).toBe(204);
      const racing = await Promise.all(
        Array.from({ length: 6 }, () => client.request('POST', '/v2/team-a/app/blobs/uploads/')),
      );
      expect(racing.map((r) => r.status).sort()).toEqual([202, 429, 429, 429, 429, 429]);

      const data = randomBytes(1000);
      const finished = await client.request('PUT', `${open[1]}?digest=${sha256Digest(data)}`, {
        body: data,
      });
      expect(finished.status).toBe(201);
      expect((await client.request('POST', '/v2/team-a/app/blobs/uploads/')).status).toBe(202);
    } finally {
      await server.close();
    }
  });
});

describe('a PATCH whose Content-Range disagrees with its body', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server?.close();
  });

  it('is refused with 416 and the upload keeps exactly what it had', async () => {
    const { client, bearer } = await editorOf(server, 'team-a', ['team-a/range']);
    const data = randomBytes(2000);
    const location = await startSession(client, 'team-a/range');
    expect(
      (
        await client.request('PATCH', location, {
          body: data.subarray(0, 10),
          headers: { 'content-range': '0-9' },
        })
      ).status,
    ).toBe(202);

    const declared = await client.request('PATCH', location, {
      body: data.subarray(10, 13),
      headers: { 'content-range': '10-999' },
    });
    expect(declared.status).toBe(416);
    expect(declared.code()).toBe('BLOB_UPLOAD_INVALID');
    expect(declared.headers.range).toBe('0-9');
    expect(declared.headers.location).toBe(location);
    expect(uploadBytes(server.dataDir, location)).toBe(10);

    const streamed = await chunkedPatch(server.url, location, bearer, '10-999', [
      data.subarray(10, 13),
    ]);
    expect(streamed.status).toBe(416);
    expect(streamed.headers.range).toBe('0-9');
    expect(streamed.body).toMatch(/BLOB_UPLOAD_INVALID/);
    expect(uploadBytes(server.dataDir, location)).toBe(10);

    const longer = await client.request('PATCH', location, {
      body: data.subarray(10, 1000),
      headers: { 'content-range': '10-12' },
    });
    expect(longer.status).toBe(416);
    expect(uploadBytes(server.dataDir, location)).toBe(10);

    expect(
      (
        await client.request('PATCH', location, {
          body: data.subarray(10),
          headers: { 'content-range': `10-${data.length - 1}` },
        })
      ).status,
    ).toBe(202);
    const digest = sha256Digest(data);
    expect((await client.request('PUT', `${location}?digest=${digest}`)).status).toBe(201);
    expect((await client.get(`/v2/team-a/range/blobs/${digest}`)).body.equals(data)).toBe(true);
  });
});
