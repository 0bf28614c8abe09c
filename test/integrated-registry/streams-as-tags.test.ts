import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DeleteImageStreamDocument,
  EventsDocument,
  RollbackTagDocument,
  StreamTagDocument,
  TagImageDocument,
} from '../generated/graphql';
import { startEditorSession, type EditorSession } from '../helpers/editor-session';
import { buildImage, skopeoCopy } from '../helpers/images';
import type { TestServer } from '../helpers/server';
import { RegistryClient } from './distribution-client';

/** Image streams are the tag namespace of the integrated registry: what a stream tag's current image is, /v2 serves. */
describe('the integrated registry serves image stream tags', () => {
  let server: TestServer;
  let host: string;
  let editor: { username: string; password: string };

  let session: EditorSession;
  const digestOf = (reference: string) => session.digestOf(reference);
  const tagsOf = (repository: string) => session.tagsOf(repository);
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
    session = await startEditorSession();
    ({ server, host, editor } = session);
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

  it('serves an alias at the image of the tag it follows, and skopeo copies it', async () => {
    await push({ build: '6' }, 'team-a/aliased:v1');
    const alias = await server.gql(TagImageDocument, {
      input: { source: 'team-a/aliased:v1', destination: 'team-a/aliased:latest', alias: true },
    });
    expect(alias.errors).toBeUndefined();
    const moved = await push({ build: '7' }, 'team-a/aliased:v1');
    expect(await digestOf('team-a/aliased:latest')).toBe(moved);
    const layout = join(mkdtempSync(join(tmpdir(), 'regql-alias-')), 'layout');
    await skopeoCopy(`docker://${host}/team-a/aliased:latest`, `oci:${layout}:latest`, {
      srcCreds: editor,
    });
    const index = JSON.parse(readFileSync(join(layout, 'index.json'), 'utf8')) as {
      manifests: { digest: string }[];
    };
    expect(index.manifests[0].digest).toBe(moved);
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
