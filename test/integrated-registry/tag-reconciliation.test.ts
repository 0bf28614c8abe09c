import pino from 'pino';
import { RECONCILED, reconcileRegistryTags } from '../../src/store/registry-tag-reconciliation';
import { TagImageDocument } from '../generated/graphql';
import { basicAuth } from '../helpers/basic-auth';
import { ADMIN_TOKEN, lineSink, startTestServer, type TestServer } from '../helpers/server';
import { pushSyntheticImage } from '../helpers/synthetic-images';

const RECONCILED_LINE = 'reconciled a /v2 tag with its image stream';

/**
 * Stores from before deletes were kept in step may hold /v2 tags that differ from their image
 * streams' tags. The first start reconciles them once, the stream winning, and logs each change.
 */
describe('the /v2 tags of an older store are reconciled with the image streams once', () => {
  let server: TestServer;
  let a: string;
  let b: string;

  const db = () => server.app.store.db;
  const push = async (repository: string, tag: string) =>
    (
      await pushSyntheticImage(server.url, repository, tag, {
        authorization: basicAuth('admin', ADMIN_TOKEN),
      })
    ).digest;
  const setRow = (repository: string, tag: string, digest: string) =>
    db()
      .insertInto('registry_tags')
      .values({ repository, tag, digest, updated_at: new Date().toISOString() })
      .onConflict((oc) => oc.columns(['repository', 'tag']).doUpdateSet({ digest }))
      .execute();
  const rows = async () =>
    (
      await db()
        .selectFrom('registry_tags')
        .select(['repository', 'tag', 'digest'])
        .where('repository', 'in', ['team-a/recon', 'team-a/ghost'])
        .orderBy('repository')
        .orderBy('tag')
        .execute()
    ).map((r) => `${r.repository}:${r.tag}=${r.digest}`);
  const reconciledLines = () =>
    server.logs
      .filter((line) => line.includes(RECONCILED_LINE))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  /** Differences as an older regql left them, and a store that has not been reconciled yet. */
  const craftOlderStore = async () => {
    await setRow('team-a/recon', 'moved', b);
    await setRow('team-a/recon', 'orphan', a);
    await setRow('team-a/recon', 'foreign', a);
    await setRow('team-a/ghost', 'v1', a);
    await db().deleteFrom('store_settings').where('name', '=', RECONCILED).execute();
  };
  const reconciled = ['team-a/recon:moved=A', 'team-a/recon:other=B'];

  beforeAll(async () => {
    server = await startTestServer();
    a = await push('team-a/recon', 'moved');
    b = await push('team-a/recon', 'other');
    await push('team-a/elsewhere', 'v1');
    // A stream tag whose image lives in another repository: /v2 of team-a/recon cannot serve it.
    const tagged = await server.gql(TagImageDocument, {
      input: { source: 'team-a/elsewhere:v1', destination: 'team-a/recon:foreign' },
    });
    expect(tagged.errors).toBeUndefined();
  });
  afterAll(async () => {
    await server?.close();
  });
  const named = (list: string[]) => list.map((r) => r.replace(a, 'A').replace(b, 'B'));

  it('lets the stream win at the first start, logging each difference, and never again', async () => {
    await craftOlderStore();
    expect(named(await rows())).toEqual([
      'team-a/ghost:v1=A',
      'team-a/recon:foreign=A',
      'team-a/recon:moved=B',
      'team-a/recon:orphan=A',
      'team-a/recon:other=B',
    ]);
    await server.restart();
    expect(named(await rows())).toEqual(reconciled);
    const { image: foreign } = await db()
      .selectFrom('tag_events')
      .select('image')
      .where('tag', '=', 'foreign')
      .executeTakeFirstOrThrow();
    expect(
      reconciledLines().map(
        (l) => named([`${l.repository}:${l.tag} ${l.registryTag} ${l.streamTag} ${l.action}`])[0],
      ),
    ).toEqual([
      'team-a/ghost:v1 A no such image stream removed',
      `team-a/recon:foreign A ${foreign} removed`,
      'team-a/recon:moved B A moved to the stream tag',
      'team-a/recon:orphan A no such tag removed',
    ]);

    await setRow('team-a/recon', 'orphan', a);
    await server.restart();
    expect(reconciledLines()).toHaveLength(4);
    expect(named(await rows())).toContain('team-a/recon:orphan=A');
  });

  it('walks the rows in batches', async () => {
    await craftOlderStore();
    const lines: string[] = [];
    await reconcileRegistryTags(db(), pino(lineSink(lines)), 1);
    expect(named(await rows())).toEqual(reconciled);
    expect(lines.filter((line) => line.includes(RECONCILED_LINE))).toHaveLength(4);
    expect(
      await db()
        .selectFrom('store_settings')
        .select('name')
        .where('name', '=', RECONCILED)
        .executeTakeFirst(),
    ).toBeDefined();
  });
});
