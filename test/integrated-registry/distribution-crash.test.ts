import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sha256Digest } from '../../src/oci/digest';
import { OCI_MANIFEST } from '../../src/oci/media-types';
import { CLI_TEST_TIMEOUT_MS, runCli, type CliProcess } from '../helpers/cli';
import { fileDigest } from '../helpers/images';
import { waitUntil } from '../helpers/processes';
import { ADMIN_TOKEN, startTestServer, type TestServer } from '../helpers/server';
import { openChunk, RegistryClient, uploadDataFile } from './distribution-client';

// Runs the built command: the helper's waits for its output are bounded (OUTPUT_TIMEOUT_MS),
// so the test's own timeout is longer and a stuck process fails with its output.
jest.setTimeout(CLI_TEST_TIMEOUT_MS);

const MiB = 1024 * 1024;

function blobFiles(dataDir: string): { digest: string; path: string }[] {
  const base = join(dataDir, 'registry', 'blobs', 'sha256');
  return readdirSync(base).flatMap((prefix) =>
    readdirSync(join(base, prefix)).map((hex) => {
      expect(hex.startsWith(prefix)).toBe(true);
      return { digest: `sha256:${hex}`, path: join(base, prefix, hex) };
    }),
  );
}

describe('a registry process killed with SIGKILL mid-upload', () => {
  let dataDir: string;
  let cli: CliProcess | undefined;
  let server: TestServer | undefined;

  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'regql-crash-'));
  });
  afterAll(async () => {
    if (cli && cli.child.exitCode === null && cli.child.signalCode === null) {
      cli.child.kill('SIGKILL');
      await cli.exited;
    }
    await server?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps only whole blobs, and the upload can be finished after a restart', async () => {
    cli = runCli(['serve'], {
      REGQL_PORT: '0',
      REGQL_HOST: '127.0.0.1',
      REGQL_DATA_DIR: dataDir,
      REGQL_ADMIN_TOKEN: ADMIN_TOKEN,
      REGQL_LOG_LEVEL: 'info',
    });
    const listening = await cli.waitForOutput(/regql listening/);
    const url = (JSON.parse(listening) as { url: string }).url;
    expect(new URL(url).hostname).toBe('127.0.0.1');
    const before = new RegistryClient(() => url, ADMIN_TOKEN);
    const image = await before.imageManifest('team-a/crash');
    expect((await before.putManifest('team-a/crash', 'v1', image.bytes, OCI_MANIFEST)).status).toBe(
      201,
    );

    const data = randomBytes(48 * MiB);
    const digest = sha256Digest(data);
    const start = await before.request('POST', '/v2/team-a/crash/blobs/uploads/');
    expect(start.status).toBe(202);
    const location = String(start.headers.location);
    const first = await before.request('PATCH', location, {
      body: data.subarray(0, 16 * MiB),
      headers: { 'content-range': `0-${16 * MiB - 1}` },
    });
    expect(first.status).toBe(202);

    const granted = await before.authorize(['repository:team-a/crash:pull,push']);
    const slow = openChunk(
      url,
      location,
      `Bearer ${granted.json<{ token: string }>().token}`,
      16 * MiB,
      data.length,
    );
    slow.on('response', (res) => res.resume());
    let sent = 16 * MiB;
    const feed = setInterval(() => {
      if (sent >= data.length) return clearInterval(feed);
      slow.write(data.subarray(sent, sent + 256 * 1024));
      sent += 256 * 1024;
    }, 20);
    const uploadFile = uploadDataFile(dataDir, location);
    try {
      await waitUntil(
        async () => statSync(uploadFile).size > 20 * MiB,
        'part of the slow chunk to reach the disk',
        20000,
      );
      cli.child.kill('SIGKILL');
      await waitUntil(
        async () => cli!.child.exitCode !== null || cli!.child.signalCode !== null,
        'the killed server to exit',
        10000,
      );
    } finally {
      clearInterval(feed);
      slow.destroy();
    }
    expect(cli.child.signalCode).toBe('SIGKILL');
    expect(sent).toBeLessThan(data.length);

    server = await startTestServer({ dataDir });
    const files = blobFiles(dataDir);
    expect(files.map((f) => f.digest)).toEqual(
      expect.arrayContaining([image.digest, image.layer, image.config]),
    );
    expect(files.map((f) => f.digest)).not.toContain(digest);
    for (const file of files) expect(await fileDigest(file.path)).toBe(file.digest);

    const after = new RegistryClient(() => server!.url, ADMIN_TOKEN);
    const manifest = await after.get('/v2/team-a/crash/manifests/v1');
    expect(manifest.body.equals(image.bytes)).toBe(true);

    const status = await after.get(location);
    expect(status.status).toBe(204);
    const held = Number(/^0-(\d+)$/.exec(String(status.headers.range))![1]) + 1;
    expect(held).toBeGreaterThanOrEqual(16 * MiB);
    expect(held).toBeLessThan(data.length);
    const rest = await after.request('PATCH', location, {
      body: data.subarray(held),
      headers: { 'content-range': `${held}-${data.length - 1}` },
    });
    expect(rest.status).toBe(202);
    const done = await after.request('PUT', `${location}?digest=${digest}`);
    expect(done.status).toBe(201);
    const head = await after.request('HEAD', `/v2/team-a/crash/blobs/${digest}`);
    expect(head.headers['content-length']).toBe(String(data.length));
    for (const file of blobFiles(dataDir)) expect(await fileDigest(file.path)).toBe(file.digest);
  }, 120000);
});
