import { CreateTokenDocument, EventsDocument, RevokeTokenDocument } from '../generated/graphql';
import { eventually } from '../helpers/events';
import { ADMIN_TOKEN, errorCodes, startTestServer, type TestServer } from '../helpers/server';
import { basicAuth } from '../helpers/basic-auth';
import { pushSyntheticImage } from '../helpers/synthetic-images';
import { watchEvents } from '../helpers/watch-events';

describe('the event log through GraphQL', () => {
  let server: TestServer;
  let editor: string;
  let otherViewer: string;
  const push = (tag: string) =>
    pushSyntheticImage(server.url, 'team-a/app', tag, { authorization: basicAuth('ci', editor) });
  const token = async (namespace: string, role: 'EDITOR' | 'VIEWER') =>
    (await server.gql(CreateTokenDocument, { input: { namespace, role } })).data!.createToken;

  beforeAll(async () => {
    server = await startTestServer();
    editor = (await token('team-a', 'EDITOR')).token;
    otherViewer = (await token('team-b', 'VIEWER')).token;
  });
  afterAll(() => server.close());

  it('logs a push as IMAGE_PUSHED and TAG_UPDATED, pages through them, and shows them only to readers of the namespace', async () => {
    const image = await push('v1');
    const page = await server.gql(EventsDocument, { namespace: 'team-a' });
    const nodes = page.data!.events.edges.map((e) => e.node);
    expect(nodes.map((n) => [n.type, n.stream, n.tag, n.digest])).toEqual([
      ['IMAGE_PUSHED', 'app', 'v1', image.digest],
      ['TAG_UPDATED', 'app', 'v1', image.digest],
    ]);
    expect(nodes[0]).toMatchObject({ registry: 'integrated', repository: 'team-a/app' });
    expect(Number(nodes[1].id)).toBeGreaterThan(Number(nodes[0].id));

    const first = await server.gql(EventsDocument, { namespace: 'team-a', first: 1 });
    expect(first.data!.events.pageInfo).toEqual({
      hasNextPage: true,
      endCursor: nodes[0].id,
    });
    const second = await server.gql(EventsDocument, {
      namespace: 'team-a',
      first: 1,
      after: first.data!.events.pageInfo.endCursor,
    });
    expect(second.data!.events.edges.map((e) => e.node.id)).toEqual([nodes[1].id]);
    expect(second.data!.events.pageInfo.hasNextPage).toBe(false);

    const outsider = await server.gql(EventsDocument, {}, otherViewer);
    expect(outsider.data!.events.edges).toEqual([]);
    expect(
      errorCodes(await server.gql(EventsDocument, { namespace: 'team-a' }, otherViewer)),
    ).toEqual(['FORBIDDEN']);
    expect(errorCodes(await server.gql(EventsDocument, { after: '-1' }))).toEqual([
      'BAD_USER_INPUT',
    ]);
  });

  it('replays after an id and continues live, so a client that reconnects misses nothing and sees nothing twice', async () => {
    const before = await server.gql(EventsDocument, { namespace: 'team-a', first: 500 });
    const lastSeen = before.data!.events.edges.at(-1)!.node.id;
    await push('v2');
    const first = watchEvents(server.url, ADMIN_TOKEN, { namespace: 'team-a', after: lastSeen });
    await eventually(() => first.events.length === 2, 'the replayed push of v2');
    await push('v3');
    await eventually(() => first.events.length === 4, 'the live push of v3');
    await first.stop();
    expect(first.events.map((e) => [e.type, e.tag])).toEqual([
      ['IMAGE_PUSHED', 'v2'],
      ['TAG_UPDATED', 'v2'],
      ['IMAGE_PUSHED', 'v3'],
      ['TAG_UPDATED', 'v3'],
    ]);

    await push('v4');
    const resumed = watchEvents(server.url, ADMIN_TOKEN, {
      namespace: 'team-a',
      after: first.events.at(-1)!.id,
      types: ['IMAGE_PUSHED'],
    });
    await eventually(() => resumed.events.length === 1, 'the push made while disconnected');
    await push('v5');
    await eventually(() => resumed.events.length === 2, 'the next live push');
    await resumed.stop();
    expect(resumed.events.map((e) => e.tag)).toEqual(['v4', 'v5']);
    const ids = [...first.events, ...resumed.events].map((e) => Number(e.id));
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('ends a subscription when its token is revoked', async () => {
    const viewer = await token('team-a', 'VIEWER');
    const w = watchEvents(server.url, viewer.token, { namespace: 'team-a' });
    await eventually(() => server.app.services.feed.subscriberCount() >= 1, 'the subscription');
    await push('r1');
    await eventually(() => w.events.length === 2, 'the events before revocation');
    await server.gql(RevokeTokenDocument, { id: viewer.id });
    await eventually(() => w.errors.length === 1, 'the subscription to end');
    expect(w.errors[0]).toMatchObject({ code: 4403, reason: 'token revoked' });
    await push('r2');
    await new Promise((r) => setTimeout(r, 200));
    expect(w.events.map((e) => e.tag)).toEqual(['r1', 'r1']);
    await w.stop();
  });

  it('keeps the log across a restart', async () => {
    const before = await server.gql(EventsDocument, { namespace: 'team-a', first: 500 });
    await server.restart();
    const after = await server.gql(EventsDocument, { namespace: 'team-a', first: 500 });
    expect(after.data!.events.edges).toEqual(before.data!.events.edges);
    await push('after-restart');
    const latest = await server.gql(EventsDocument, {
      namespace: 'team-a',
      after: before.data!.events.pageInfo.endCursor,
    });
    expect(latest.data!.events.edges.map((e) => e.node.tag)).toEqual([
      'after-restart',
      'after-restart',
    ]);
  });

  it('pages from the start of the log after a prune, and refuses a cursor the prune passed', async () => {
    const pruned = await startTestServer();
    try {
      const authorization = basicAuth('ci', ADMIN_TOKEN);
      const old = await pushSyntheticImage(pruned.url, 'team-a/old', 'v1', { authorization });
      const oldIds = (await pruned.gql(EventsDocument, {})).data!.events.edges.map(
        (e) => e.node.id,
      );
      expect(
        await pruned.app.services.eventLog.prune(new Date(Date.now() + 1000).toISOString()),
      ).toBe(oldIds.length);
      const kept = await pushSyntheticImage(pruned.url, 'team-a/new', 'v1', { authorization });
      const page = await pruned.gql(EventsDocument, {});
      expect(page.data!.events.edges.map((e) => e.node.digest)).toEqual([kept.digest, kept.digest]);
      expect(old.digest).not.toBe(kept.digest);
      expect(errorCodes(await pruned.gql(EventsDocument, { after: oldIds[0] }))).toEqual([
        'BAD_USER_INPUT',
      ]);
    } finally {
      await pruned.close();
    }
  });
});
