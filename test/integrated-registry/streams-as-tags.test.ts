import {
  CreateTokenDocument,
  DeleteImageStreamDocument,
  EventsDocument,
  RollbackTagDocument,
  StreamTagDocument,
  TagImageDocument,
} from '../generated/graphql';
import { buildImage, skopeo, skopeoCopy } from '../helpers/images';
import { startTestServer, type TestServer } from '../helpers/server';
import { RegistryClient } from './distribution-client';

/** Image streams are the tag namespace of the integrated registry: what a stream tag's current image is, /v2 serves. */
describe('the integrated registry serves image stream tags', () => {
  let server: TestServer;
  let host: string;
  let editor: { username: string; password: string };

  const digestOf = async (reference: string) =>
    (
      JSON.parse(
        await skopeo([
          'inspect',
          '--tls-verify=false',
          `--creds=${editor.username}:${editor.password}`,
          `docker://${host}/${reference}`,
        ]),
      ) as { Digest: string }
    ).Digest;
  const tagsOf = async (repository: string) =>
    (
      JSON.parse(
        await skopeo([
          'list-tags',
          '--tls-verify=false',
          `--creds=${editor.username}:${editor.password}`,
          `docker://${host}/${repository}`,
        ]),
      ) as { Tags: string[] }
    ).Tags;
  /** team-a's events of `type` about `stream`, oldest first. */
  const eventsOf = async (type: string, stream: string) =>
    (await server.gql(EventsDocument, { namespace: 'team-a', first: 500 }))
      .data!.events.edges.map((e) => e.node)
      .filter((e) => e.type === type && e.stream === stream);
  const push = async (labels: Record<string, string>, reference: string) => {
    const image = await buildImage({ labels });
    await skopeoCopy(`oci:${image.layout}:${image.tag}`, `docker://${host}/${reference}`, {
      destCreds: editor,
    });
    return image.descriptor.digest;
  };

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

  it('serves the rolled-back image for the tag, as the stream shows it', async () => {
    const first = await push({ build: '1' }, 'team-a/app:v1');
    const second = await push({ build: '2' }, 'team-a/app:v1');
    expect(await digestOf('team-a/app:v1')).toBe(second);
    const rolled = await server.gql(RollbackTagDocument, {
      input: { namespace: 'team-a', stream: 'app', tag: 'v1', position: 1 },
    });
    expect(rolled.data!.rollbackTag.current!.image).toBe(first);
    expect(await digestOf('team-a/app:v1')).toBe(first);
  });

  it('serves a tag that tagImage made, and lists it', async () => {
    const built = await push({ build: '3' }, 'team-a/app:v2');
    const tagged = await server.gql(TagImageDocument, {
      input: { source: 'team-a/app:v2', destination: 'team-a/app:prod' },
    });
    expect(tagged.errors).toBeUndefined();
    expect(await digestOf('team-a/app:prod')).toBe(built);
    expect(await tagsOf('team-a/app')).toEqual(['prod', 'v1', 'v2']);
  });

  it('removes a deleted image stream from /v2, its blobs left to garbage collection', async () => {
    await push({ build: '5', unique: String(Date.now()) }, 'team-a/dropped:v1');
    expect(await tagsOf('team-a/dropped')).toEqual(['v1']);
    const deleted = await server.gql(DeleteImageStreamDocument, {
      namespace: 'team-a',
      name: 'dropped',
    });
    expect(deleted.data!.deleteImageStream).toBe(true);
    await expect(tagsOf('team-a/dropped')).rejects.toThrow();
    expect(await eventsOf('STREAM_DELETED', 'dropped')).toEqual([
      expect.objectContaining({
        namespace: 'team-a',
        tag: null,
        registry: 'integrated',
        repository: 'team-a/dropped',
      }),
    ]);
    const gc = await server.raw('mutation { collectGarbage(graceSeconds: 0) { removedBlobs } }');
    expect(
      (gc.data as { collectGarbage: { removedBlobs: number } }).collectGarbage.removedBlobs,
    ).toBeGreaterThan(0);
  });

  it('takes a tag deleted on /v2 out of the image stream too, history and all', async () => {
    const pushed = await push({ build: '4' }, 'team-a/gone:v1');
    const c = new RegistryClient(() => server.url, editor.password);
    await c.authorize(['repository:team-a/gone:pull,push,delete']);
    expect((await c.request('DELETE', '/v2/team-a/gone/manifests/v1')).status).toBe(202);
    expect((await c.get('/v2/team-a/gone/manifests/v1')).status).toBe(404);
    expect((await c.request('DELETE', '/v2/team-a/gone/manifests/v1')).status).toBe(404);
    const stream = await server.gql(StreamTagDocument, {
      namespace: 'team-a',
      name: 'gone',
      tag: 'v1',
    });
    expect(stream.data!.imageStream!.tag).toBeNull();
    expect(await eventsOf('TAG_DELETED', 'gone')).toEqual([
      expect.objectContaining({
        tag: 'v1',
        registry: 'integrated',
        repository: 'team-a/gone',
        digest: pushed,
        message: 'deleted on /v2',
      }),
    ]);
    expect(await digestOf(`team-a/gone@${pushed}`)).toBe(pushed);
  });
});
