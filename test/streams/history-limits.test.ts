import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ImportImageFullDocument,
  RollbackTagDocument,
  StreamTagDocument,
} from '../generated/graphql';
import { registriesConfigFile } from '../helpers/config-file';
import { startDockerRegistry, type DockerRegistry } from '../helpers/docker-registry';
import { eventually, recordEvents } from '../helpers/events';
import { upstreamRequests } from '../helpers/metrics';
import { startTestServer, type TestServer } from '../helpers/server';
import { pushSyntheticImage } from '../helpers/synthetic-images';

describe('history bounds and a schedule that survives restarts', () => {
  let registry: DockerRegistry;
  let server: TestServer;
  let dataDir: string;
  let configFile: string;

  beforeAll(async () => {
    registry = await startDockerRegistry();
    dataDir = mkdtempSync(join(tmpdir(), 'regql-history-'));
    configFile = registriesConfigFile(
      [{ name: 'upstream', kind: 'DISTRIBUTION', url: registry.url }],
      dataDir,
    );
  }, 30000);
  afterAll(async () => {
    await server?.close();
    await registry?.stop();
  });

  it('keeps at most maxRevisions entries per tag and says what it pruned', async () => {
    server = await startTestServer({ configFile, dataDir, env: { REGQL_MAX_REVISIONS: '3' } });
    const recorder = recordEvents(server.app.services);
    const host = registry.host;
    const digests: string[] = [];
    for (let i = 0; i < 5; i++) {
      digests.push((await pushSyntheticImage(registry.url, 'team/app', 'v1')).digest);
      const res = await server.gql(ImportImageFullDocument, {
        input: { namespace: 'ns', stream: 'app', from: `${host}/team/app:v1`, confirm: true },
      });
      expect(res.data!.importImage.images[0].status).toBe('SUCCESS');
    }
    const tag = (await server.gql(StreamTagDocument, { namespace: 'ns', name: 'app', tag: 'v1' }))
      .data!.imageStream!.tag!;
    expect(tag.items.edges.map((e) => e.node.image)).toEqual([digests[4], digests[3], digests[2]]);
    const pruning = recorder.events.filter(
      (e) => e.type === 'TAG_UPDATED' && e.message?.includes('pruned'),
    );
    expect(pruning.map((e) => e.digest)).toEqual([digests[3], digests[4]]);
    const back = await server.gql(RollbackTagDocument, {
      input: { namespace: 'ns', stream: 'app', tag: 'v1', position: 2 },
    });
    expect(back.data!.rollbackTag.items.edges.map((e) => e.node.image)).toEqual([
      digests[2],
      digests[4],
      digests[3],
    ]);
    await recorder.stop();
  });

  it('resumes the stored schedule after a restart instead of importing everything at once', async () => {
    await server.close();
    server = await startTestServer({
      configFile,
      dataDir,
      env: { REGQL_IMPORT_INTERVAL_SECONDS: '3600' },
    });
    await server.raw(
      `mutation { createImageStream(input: { namespace: "ns", name: "sched", tags: [
        { name: "a", from: "${registry.host}/team/app:v1", importPolicy: { scheduled: true } } ] }) { name } }`,
    );
    const imported = async () =>
      (await server.gql(StreamTagDocument, { namespace: 'ns', name: 'sched', tag: 'a' })).data!
        .imageStream!.tag!.current;
    await eventually(async () => (await imported()) !== null, 'the first scheduled import');
    await server.restart();
    const before = await upstreamRequests(server.url, 'upstream');
    await new Promise((r) => setTimeout(r, 1500));
    expect(await upstreamRequests(server.url, 'upstream')).toBe(before);
    const next = await server.app.store.db
      .selectFrom('spec_tags')
      .select('next_import_at')
      .where('name', '=', 'a')
      .executeTakeFirstOrThrow();
    expect(Date.parse(next.next_import_at!)).toBeGreaterThan(Date.now() + 3000_000);
  });
});
