import {
  CreateTokenDocument,
  EventsDocument,
  RollbackTagDocument,
  StreamTagDocument,
  TagImageDocument,
} from '../generated/graphql';
import { basicAuth } from '../helpers/basic-auth';
import { skopeo } from '../helpers/images';
import { errorCodes, startTestServer, type TestServer } from '../helpers/server';
import { pushSyntheticImage } from '../helpers/synthetic-images';

/** Deletes on /v2 and through the API keep the image stream and /v2 in step, each one an event. */
describe('deletes keep image streams and the integrated registry in step', () => {
  let server: TestServer;
  let host: string;
  let editor: { username: string; password: string };

  const registry = (args: string[], reference: string) =>
    skopeo([
      ...args,
      '--tls-verify=false',
      `--creds=${editor.username}:${editor.password}`,
      `docker://${host}/${reference}`,
    ]);
  const tagsOf = async (repository: string) =>
    (JSON.parse(await registry(['list-tags'], repository)) as { Tags: string[] }).Tags;
  const push = async (reference: string) => {
    const [repository, tag] = reference.split(':');
    return (
      await pushSyntheticImage(server.url, repository, tag, {
        authorization: basicAuth(editor.username, editor.password),
      })
    ).digest;
  };
  const streamTag = async (name: string, tag: string) =>
    (await server.gql(StreamTagDocument, { namespace: 'team-a', name, tag })).data!.imageStream!
      .tag;
  const tag = async (source: string, destination: string) =>
    expect(
      (await server.gql(TagImageDocument, { input: { source, destination } })).errors,
    ).toBeUndefined();
  const deletionsOf = async (stream: string) =>
    (await server.gql(EventsDocument, { namespace: 'team-a', first: 500 }))
      .data!.events.edges.map((e) => e.node)
      .filter((e) => e.type === 'TAG_DELETED' && e.stream === stream);

  beforeAll(async () => {
    server = await startTestServer();
    host = new URL(server.url).host;
    const token = (
      await server.gql(CreateTokenDocument, { input: { namespace: 'team-a', role: 'EDITOR' } })
    ).data!.createToken.token;
    editor = { username: 'ci', password: token };
  });
  afterAll(async () => {
    await server?.close();
  });

  it('skopeo delete of a tag deletes its manifest, and every stream tag whose image it was', async () => {
    const doomed = await push('team-a/other:v1');
    await tag('team-a/other:v1', 'team-a/other:copy');
    await tag('team-a/other:v1', 'team-a/other:kept');
    const later = await push('team-a/other:kept');

    await registry(['delete'], 'team-a/other:v1');

    expect(await streamTag('other', 'v1')).toBeNull();
    expect(await streamTag('other', 'copy')).toBeNull();
    const kept = await streamTag('other', 'kept');
    expect(kept!.items.edges.map((e) => e.node.image)).toEqual([later]);
    const rollback = await server.gql(RollbackTagDocument, {
      input: { namespace: 'team-a', stream: 'other', tag: 'kept', digest: doomed },
    });
    expect(errorCodes(rollback)).toEqual(['NOT_FOUND']);
    expect(await tagsOf('team-a/other')).toEqual(['kept']);
    await expect(registry(['inspect'], 'team-a/other:v1')).rejects.toThrow(/manifest unknown/i);
    expect(await deletionsOf('other')).toEqual(
      ['copy', 'v1'].map((t) =>
        expect.objectContaining({
          tag: t,
          registry: 'integrated',
          repository: 'team-a/other',
          digest: doomed,
          message: expect.stringContaining(`manifest ${doomed} deleted on /v2`),
        }),
      ),
    );
  });

  it('skopeo delete by digest removes the tags whose current image it is, and only those', async () => {
    const first = await push('team-a/pinned:v1');
    const second = await push('team-a/pinned:v2');
    await registry(['delete'], `team-a/pinned@${first}`);
    expect(await tagsOf('team-a/pinned')).toEqual(['v2']);
    expect(await streamTag('pinned', 'v1')).toBeNull();
    expect((await streamTag('pinned', 'v2'))!.current!.image).toBe(second);
    expect(await deletionsOf('pinned')).toEqual([
      expect.objectContaining({ tag: 'v1', digest: first }),
    ]);
    await expect(registry(['delete'], `team-a/pinned@${first}`)).rejects.toThrow(/may not exist/);
  });

  it('tagImage(delete: true) takes the tag off /v2 with TAG_DELETED, keeping the manifest', async () => {
    const pushed = await push('team-a/app:v1');
    await push('team-a/app:v2');
    const deleted = await server.gql(TagImageDocument, {
      input: { destination: 'team-a/app:v1', delete: true },
    });
    expect(deleted.errors).toBeUndefined();
    await expect(registry(['inspect'], 'team-a/app:v1')).rejects.toThrow(/manifest unknown/i);
    expect(await tagsOf('team-a/app')).toEqual(['v2']);
    expect(JSON.parse(await registry(['inspect'], `team-a/app@${pushed}`))).toMatchObject({
      Digest: pushed,
    });
    expect(await deletionsOf('app')).toEqual([
      expect.objectContaining({
        tag: 'v1',
        registry: 'integrated',
        repository: 'team-a/app',
        digest: pushed,
        message: 'deleted by tagImage',
      }),
    ]);
    const again = await server.gql(TagImageDocument, {
      input: { destination: 'team-a/app:v1', delete: true },
    });
    expect(errorCodes(again)).toEqual(['NOT_FOUND']);
  });
});
