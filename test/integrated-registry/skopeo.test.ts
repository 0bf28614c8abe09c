import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { CreateTokenDocument, StreamTagDocument } from '../generated/graphql';
import { recordEvents } from '../helpers/events';
import { buildImage, buildIndex, layoutBlobPath, skopeo, skopeoCopy } from '../helpers/images';
import { startTestServer, type TestServer } from '../helpers/server';

describe('the integrated registry with a real client (skopeo)', () => {
  let server: TestServer;
  let host: string;
  let editor: { username: string; password: string };
  let viewerOther: { username: string; password: string };
  let recorder: ReturnType<typeof recordEvents>;

  beforeAll(async () => {
    server = await startTestServer();
    host = new URL(server.url).host;
    const token = async (namespace: string, role: 'EDITOR' | 'VIEWER') =>
      (await server.gql(CreateTokenDocument, { input: { namespace, role } })).data!.createToken
        .token;
    editor = { username: 'ci', password: await token('team-a', 'EDITOR') };
    viewerOther = { username: 'someone', password: await token('team-b', 'VIEWER') };
    recorder = recordEvents(server.app.services);
  });
  afterAll(async () => {
    await recorder?.stop();
    await server?.close();
  });

  it('takes a push by tag, serves it back byte for byte, and records the image stream tag', async () => {
    const image = await buildImage({ labels: { app: 'demo' } });
    await skopeoCopy(`oci:${image.layout}:${image.tag}`, `docker://${host}/team-a/app:v1`, {
      destCreds: editor,
    });
    const raw = await skopeo([
      'inspect',
      '--raw',
      '--tls-verify=false',
      `--creds=${editor.username}:${editor.password}`,
      `docker://${host}/team-a/app:v1`,
    ]);
    const local = readFileSync(layoutBlobPath(image.layout, image.descriptor.digest), 'utf8');
    expect(raw).toBe(local);
    const out = join(mkdtempSync(join(tmpdir(), 'regql-pull-')), 'layout');
    await skopeoCopy(`docker://${host}/team-a/app:v1`, `oci:${out}:pulled`, { srcCreds: editor });
    const pulled = JSON.parse(readFileSync(join(out, 'index.json'), 'utf8')) as {
      manifests: { digest: string }[];
    };
    expect(pulled.manifests[0].digest).toBe(image.descriptor.digest);

    const tag = (
      await server.gql(StreamTagDocument, { namespace: 'team-a', name: 'app', tag: 'v1' })
    ).data!.imageStream!.tag!;
    expect(tag.current).toMatchObject({
      image: image.descriptor.digest,
      dockerImageReference: `${server.app.services.publicHost}/team-a/app@${image.descriptor.digest}`,
    });
    expect(recorder.events.map((e) => [e.type, e.namespace, e.stream, e.tag, e.digest])).toEqual([
      ['IMAGE_PUSHED', 'team-a', 'app', 'v1', image.descriptor.digest],
      ['TAG_UPDATED', 'team-a', 'app', 'v1', image.descriptor.digest],
    ]);
  });

  it('stores a multi-platform index with every platform, by tag and by digest', async () => {
    const index = await buildIndex(['amd64', 'arm64']);
    await skopeoCopy(`oci:${index.layout}:multi`, `docker://${host}/team-a/multi:1.0`, {
      all: true,
      destCreds: editor,
    });
    const raw = JSON.parse(
      await skopeo([
        'inspect',
        '--raw',
        '--tls-verify=false',
        `--creds=${editor.username}:${editor.password}`,
        `docker://${host}/team-a/multi@${index.descriptor.digest}`,
      ]),
    ) as { manifests: { platform: { architecture: string } }[] };
    expect(raw.manifests.map((m) => m.platform.architecture)).toEqual(['amd64', 'arm64']);
    const arm = JSON.parse(
      await skopeo([
        'inspect',
        '--tls-verify=false',
        '--override-arch',
        'arm64',
        `--creds=${editor.username}:${editor.password}`,
        `docker://${host}/team-a/multi:1.0`,
      ]),
    ) as { Architecture: string };
    expect(arm.Architecture).toBe('arm64');
  });

  it('copies between repositories by mounting blobs', async () => {
    await skopeoCopy(`docker://${host}/team-a/app:v1`, `docker://${host}/team-a/copy:v1`, {
      srcCreds: editor,
      destCreds: editor,
    });
    const digests = await Promise.all(
      ['app', 'copy'].map(
        async (repo) =>
          JSON.parse(
            await skopeo([
              'inspect',
              '--tls-verify=false',
              `--creds=${editor.username}:${editor.password}`,
              `docker://${host}/team-a/${repo}:v1`,
            ]),
          ) as { Digest: string },
      ),
    );
    expect(digests[0].Digest).toBe(digests[1].Digest);
  });

  it('refuses a push to a namespace the token does not cover, and a pull by a viewer of another namespace', async () => {
    const image = await buildImage();
    await expect(
      skopeoCopy(`oci:${image.layout}:${image.tag}`, `docker://${host}/team-b/app:v1`, {
        destCreds: editor,
      }),
    ).rejects.toThrow(/unauthorized|denied|authentication required/i);
    await expect(
      skopeo([
        'inspect',
        '--tls-verify=false',
        `--creds=${viewerOther.username}:${viewerOther.password}`,
        `docker://${host}/team-a/app:v1`,
      ]),
    ).rejects.toThrow(/unauthorized|denied|authentication required/i);
    await expect(
      skopeo([
        'inspect',
        '--tls-verify=false',
        `--creds=x:rgq_wrong`,
        `docker://${host}/team-a/app:v1`,
      ]),
    ).rejects.toThrow();
  });

  it('federates itself: Registry(name: "integrated") lists its repositories, tags and images', async () => {
    const res = await server.raw(
      '{ registry(name: "integrated") { health { ok } repositories(first: 10) { edges { node { name tags(first: 10) { edges { node { name digest image { architecture manifests { architecture } } } } } } } } } }',
    );
    expect(res.errors).toBeUndefined();
    const repos = (
      res.data as {
        registry: {
          repositories: {
            edges: {
              node: {
                name: string;
                tags: {
                  edges: {
                    node: {
                      name: string;
                      digest: string;
                      image: {
                        architecture: string | null;
                        manifests: { architecture: string }[] | null;
                      };
                    };
                  }[];
                };
              };
            }[];
          };
        };
      }
    ).registry.repositories.edges.map((e) => e.node);
    expect(repos.map((r) => r.name)).toEqual(['team-a/app', 'team-a/copy', 'team-a/multi']);
    const multi = repos.find((r) => r.name === 'team-a/multi')!.tags.edges[0].node;
    expect(multi.image.manifests!.map((m) => m.architecture)).toEqual(['amd64', 'arm64']);
    expect(repos[0].tags.edges[0].node.image.architecture).toBe('amd64');
    const byPullSpec = await server.raw(`{ image(pullSpec: "${host}/team-a/app:v1") { digest } }`);
    expect((byPullSpec.data as { image: { digest: string } }).image.digest).toBe(
      repos[0].tags.edges[0].node.digest,
    );
  });

  it('shows another namespace nothing of the integrated registry', async () => {
    const listed = await server.raw(
      '{ registry(name: "integrated") { repositories(first: 10) { edges { node { name } } } } }',
      {},
      viewerOther.password,
    );
    expect(listed.data).toEqual({ registry: { repositories: { edges: [] } } });
    const repo = await server.raw(
      '{ registry(name: "integrated") { repository(name: "team-a/app") { name } } }',
      {},
      viewerOther.password,
    );
    expect(repo.errors![0].extensions!.code).toBe('FORBIDDEN');
    const image = await server.raw(
      `{ image(pullSpec: "${host}/team-a/app:v1") { digest } }`,
      {},
      viewerOther.password,
    );
    expect(image.errors![0].extensions!.code).toBe('FORBIDDEN');
  });
});
