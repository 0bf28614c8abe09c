import {
  CreateTokenDocument,
  DeleteImageStreamDocument,
  EventsDocument,
  TagImageDocument,
} from '../generated/graphql';
import { basicAuth } from '../helpers/basic-auth';
import { eventually } from '../helpers/events';
import { ADMIN_TOKEN, errorCodes, startTestServer, type TestServer } from '../helpers/server';
import { pushSyntheticImage } from '../helpers/synthetic-images';
import { watchEvents } from '../helpers/watch-events';

/**
 * TAG_DELETED and STREAM_DELETED name a namespace's streams, tags and images: a viewer of
 * another namespace sees none of them, neither in `events` nor over a subscription.
 */
describe("b's deletes stay in b", () => {
  let server: TestServer;
  let viewerOfA: string;

  const push = (repository: string, tag: string) =>
    pushSyntheticImage(server.url, repository, tag, {
      authorization: basicAuth('admin', ADMIN_TOKEN),
    });
  const v2Delete = (repository: string, reference: string) =>
    fetch(`${server.url}/v2/${repository}/manifests/${reference}`, {
      method: 'DELETE',
      headers: { authorization: basicAuth('admin', ADMIN_TOKEN) },
    });
  /** Every kind of delete, in `namespace`: tagImage, /v2 by tag and by digest, the stream. */
  const deleteEverything = async (namespace: string) => {
    await push(`${namespace}/app`, 'v1');
    await push(`${namespace}/app`, 'v2');
    const byDigest = await push(`${namespace}/app`, 'v3');
    const untagged = await server.gql(TagImageDocument, {
      input: { destination: `${namespace}/app:v1`, delete: true },
    });
    expect(untagged.errors).toBeUndefined();
    expect((await v2Delete(`${namespace}/app`, 'v2')).status).toBe(202);
    expect((await v2Delete(`${namespace}/app`, byDigest.digest)).status).toBe(202);
    const deleted = await server.gql(DeleteImageStreamDocument, { namespace, name: 'app' });
    expect(deleted.data!.deleteImageStream).toBe(true);
  };
  const deletions = ['TAG_DELETED', 'STREAM_DELETED'];

  beforeAll(async () => {
    server = await startTestServer();
    viewerOfA = (
      await server.gql(CreateTokenDocument, { input: { namespace: 'a', role: 'VIEWER' } })
    ).data!.createToken.token;
  });
  afterAll(async () => {
    await server?.close();
  });

  it("neither lists nor streams b's TAG_DELETED and STREAM_DELETED to a viewer of a", async () => {
    const all = watchEvents(server.url, `Bearer ${viewerOfA}`, {});
    const ofType = watchEvents(server.url, `Bearer ${viewerOfA}`, { types: deletions });
    try {
      await deleteEverything('b');
      await deleteEverything('a');
      for (const watch of [all, ofType])
        await eventually(
          () => watch.events.some((e) => e.type === 'STREAM_DELETED'),
          "a's own STREAM_DELETED to arrive",
        );
      expect(all.errors).toEqual([]);
      expect(all.events.every((e) => e.namespace === 'a')).toBe(true);
      expect(ofType.events.map((e) => [e.namespace, e.type, e.tag])).toEqual([
        ['a', 'TAG_DELETED', 'v1'],
        ['a', 'TAG_DELETED', 'v2'],
        ['a', 'TAG_DELETED', 'v3'],
        ['a', 'STREAM_DELETED', null],
      ]);
    } finally {
      await all.stop();
      await ofType.stop();
    }

    const listed = await server.gql(EventsDocument, { first: 500 }, viewerOfA);
    const nodes = listed.data!.events.edges.map((e) => e.node);
    expect(nodes.filter((e) => deletions.includes(e.type))).toHaveLength(4);
    expect(nodes.every((e) => e.namespace === 'a')).toBe(true);
    const ofB = await server.gql(EventsDocument, { namespace: 'b', first: 500 }, viewerOfA);
    expect(errorCodes(ofB)).toEqual(['FORBIDDEN']);
    const asAdmin = await server.gql(EventsDocument, { namespace: 'b', first: 500 });
    expect(asAdmin.data!.events.edges.filter((e) => deletions.includes(e.node.type))).toHaveLength(
      4,
    );
  });
});
