import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { basicAuth } from '../helpers/basic-auth';
import { CLI_TEST_TIMEOUT_MS, runCli } from '../helpers/cli';
import { buildImage, fileDigest, layoutBlobPath, skopeo, skopeoCopy } from '../helpers/images';
import { ADMIN_TOKEN, startTestServer, type TestServer } from '../helpers/server';

// Runs the built command: the helper's waits for its output are bounded (OUTPUT_TIMEOUT_MS),
// so the test's own timeout is longer and a stuck process fails with its output.
jest.setTimeout(CLI_TEST_TIMEOUT_MS);

async function registryToken(server: TestServer, scope: string): Promise<string> {
  const res = await fetch(
    `${server.url}/auth/token?service=regql&scope=${encodeURIComponent(scope)}`,
    {
      headers: { authorization: basicAuth('gc', ADMIN_TOKEN) },
    },
  );
  return ((await res.json()) as { token: string }).token;
}

const collect = (server: TestServer, grace: number) =>
  server.raw(
    `mutation { collectGarbage(graceSeconds: ${grace}) { removedBlobs freedBytes keptBlobs } }`,
  );

describe('garbage collection of the integrated registry', () => {
  it('removes what no manifest references, keeps what is young or in use, while the rest still pulls', async () => {
    const server = await startTestServer();
    const host = new URL(server.url).host;
    const creds = { username: 'x', password: ADMIN_TOKEN };
    try {
      const old = await buildImage({ marker: 'old' });
      const kept = await buildImage({ marker: 'kept' });
      await skopeoCopy(`oci:${old.layout}:${old.tag}`, `docker://${host}/team-a/gc:old`, {
        destCreds: creds,
      });
      await skopeoCopy(`oci:${kept.layout}:${kept.tag}`, `docker://${host}/team-a/gc:kept`, {
        destCreds: creds,
      });
      const token = await registryToken(server, 'repository:team-a/gc:pull,push,delete');
      const deleted = await fetch(`${server.url}/v2/team-a/gc/manifests/${old.descriptor.digest}`, {
        method: 'DELETE',
        headers: { authorization: `Bearer ${token}` },
      });
      expect(deleted.status).toBe(202);

      const young = (await collect(server, 3600)).data as {
        collectGarbage: { removedBlobs: number };
      };
      expect(young.collectGarbage.removedBlobs).toBe(0);
      const sweep = (await collect(server, 0)).data as {
        collectGarbage: { removedBlobs: number; freedBytes: number; keptBlobs: number };
      };
      const oldManifest = JSON.parse(
        readFileSync(layoutBlobPath(old.layout, old.descriptor.digest), 'utf8'),
      ) as { layers: { size: number }[]; config: { size: number } };
      expect(sweep.collectGarbage.removedBlobs).toBe(3);
      expect(sweep.collectGarbage.freedBytes).toBe(
        old.descriptor.size + oldManifest.config.size + oldManifest.layers[0].size,
      );
      expect(sweep.collectGarbage.keptBlobs).toBe(3);

      const inspected = JSON.parse(
        await skopeo([
          'inspect',
          '--tls-verify=false',
          `--creds=x:${ADMIN_TOKEN}`,
          `docker://${host}/team-a/gc:kept`,
        ]),
      ) as { Digest: string };
      expect(inspected.Digest).toBe(kept.descriptor.digest);
      const gone = await fetch(`${server.url}/v2/team-a/gc/manifests/old`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(gone.status).toBe(404);
      const denied = await server.raw('mutation { collectGarbage { removedBlobs } }', {}, null);
      expect(denied.errors![0].extensions!.code).toBe('UNAUTHENTICATED');
    } finally {
      await server.close();
    }
  });

  it("keeps every image a stream's history names, so a rollback after gc still pulls", async () => {
    const server = await startTestServer();
    const host = new URL(server.url).host;
    const creds = { username: 'x', password: ADMIN_TOKEN };
    try {
      const first = await buildImage({ marker: 'history-1' });
      const second = await buildImage({ marker: 'history-2' });
      for (const image of [first, second])
        await skopeoCopy(`oci:${image.layout}:${image.tag}`, `docker://${host}/team-a/hist:v1`, {
          destCreds: creds,
        });
      const sweep = (await collect(server, 0)).data as { collectGarbage: { removedBlobs: number } };
      expect(sweep.collectGarbage.removedBlobs).toBe(0);
      const rolled = await server.raw(
        'mutation { rollbackTag(input: { namespace: "team-a", stream: "hist", tag: "v1", position: 1 }) { current { image } } }',
      );
      expect(rolled.errors).toBeUndefined();
      const pulled = join(mkdtempSync(join(tmpdir(), 'regql-rolled-')), 'layout');
      await skopeoCopy(`docker://${host}/team-a/hist:v1`, `oci:${pulled}:v1`, { srcCreds: creds });
      const index = JSON.parse(readFileSync(join(pulled, 'index.json'), 'utf8')) as {
        manifests: { digest: string }[];
      };
      expect(index.manifests[0].digest).toBe(first.descriptor.digest);
    } finally {
      await server.close();
    }
  });

  it('runs from the command line on a data directory, and stored blobs hash to their names', async () => {
    const server = await startTestServer();
    const host = new URL(server.url).host;
    const image = await buildImage({ marker: 'cli' });
    await skopeoCopy(`oci:${image.layout}:${image.tag}`, `docker://${host}/team-a/cli:v1`, {
      destCreds: { username: 'x', password: ADMIN_TOKEN },
    });
    const dataDir = server.dataDir;
    await server.app.close();
    const run = runCli(['gc', '--grace-seconds', '0'], { REGQL_DATA_DIR: dataDir });
    expect(await run.exited).toBe(0);
    expect(run.stdout()).toMatch(/^removed 0 blobs \(0 bytes\), kept 3$/m);
    const blobFile = join(
      dataDir,
      'registry',
      'blobs',
      'sha256',
      image.descriptor.digest.slice(7, 9),
      image.descriptor.digest.slice(7),
    );
    expect(await fileDigest(blobFile)).toBe(image.descriptor.digest);
  });
});
