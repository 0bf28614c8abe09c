import {
  AddCredentialDocument,
  ImageByPullSpecDocument,
  RegistryByNameDocument,
  RemoteTagDocument,
  RemoteTagsDocument,
  RepositoriesDocument,
  type RemoteTagsQuery,
} from '../generated/graphql';
import { basicAuth } from '../helpers/basic-auth';
import { registriesConfigFile } from '../helpers/config-file';
import { startDockerRegistry, type DockerRegistry } from '../helpers/docker-registry';
import { upstreamRequests } from '../helpers/metrics';
import { seed, TAGS, type Seeded } from '../helpers/seed';
import { pushSyntheticImage } from '../helpers/synthetic-images';
import {
  errorCodes,
  startTestServer,
  type GraphQLResponse,
  type TestServer,
} from '../helpers/server';

describe('browsing a real docker-registry through regql', () => {
  const auth = { username: 'alice', password: 'browse-secret-4711' };
  let registry: DockerRegistry;
  let content: Seeded;
  let server: TestServer;

  beforeAll(async () => {
    registry = await startDockerRegistry({ auth });
    content = await seed(registry, auth);
    const configFile = registriesConfigFile([
      { name: 'local', kind: 'DISTRIBUTION', url: registry.url },
    ]);
    server = await startTestServer({ configFile, env: { REGQL_TAG_CACHE_SECONDS: '60' } });
  }, 60000);
  afterAll(async () => {
    await server?.close();
    await registry?.stop();
  });

  it('reports the registry unhealthy without a credential, healthy with the shared one', async () => {
    const before = await server.gql(RegistryByNameDocument, { name: 'local' });
    expect(before.data!.registry!.health).toMatchObject({ ok: false, authScheme: 'Basic' });
    const added = await server.gql(AddCredentialDocument, {
      input: {
        namespace: 'shared',
        registryHost: registry.host,
        username: auth.username,
        password: auth.password,
      },
    });
    expect(added.errors).toBeUndefined();
    const after = await server.gql(RegistryByNameDocument, { name: 'local' });
    expect(after.data!.registry!.health).toMatchObject({
      ok: true,
      authScheme: 'Basic',
      message: null,
    });
  });

  it('lists repositories through the catalog, page by page', async () => {
    const first = await server.gql(RepositoriesDocument, { registry: 'local', first: 2 });
    const page = first.data!.registry!.repositories;
    expect(page.edges.map((e) => e.node.name)).toEqual(['team/app', 'team/multi']);
    expect(page.pageInfo.hasNextPage).toBe(true);
    const second = await server.gql(RepositoriesDocument, {
      registry: 'local',
      first: 2,
      after: page.pageInfo.endCursor,
    });
    expect(second.data!.registry!.repositories.edges.map((e) => e.node.name)).toEqual([
      'team/private',
    ]);
  });

  it('lists tags with digest and image, paged', async () => {
    const first: GraphQLResponse<RemoteTagsQuery> = await server.gql(RemoteTagsDocument, {
      registry: 'local',
      repository: 'team/app',
      first: 3,
    });
    expect(first.errors).toBeUndefined();
    const tags = first.data!.registry!.repository!.tags;
    expect(tags.edges.map((e) => e.node.name)).toEqual(['v1', 'v2', 'v3']);
    const v2 = tags.edges[1].node;
    const pushed = content.images.v2;
    expect(v2.digest).toBe(pushed.digest);
    expect(v2.image).toMatchObject({
      digest: pushed.digest,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      size: pushed.manifest.length + pushed.config.length + pushed.layer.size,
      os: 'linux',
      architecture: 'amd64',
      labels: { tag: 'v2', app: 'demo' },
      layers: [{ digest: pushed.layer.digest, size: pushed.layer.size }],
    });
    expect(Date.parse(v2.image!.created!)).not.toBeNaN();
    const rest = await server.gql(RemoteTagsDocument, {
      registry: 'local',
      repository: 'team/app',
      first: 10,
      after: tags.pageInfo.endCursor,
    });
    expect(rest.data!.registry!.repository!.tags.edges.map((e) => e.node.name)).toEqual([
      'v4',
      'v5',
    ]);
    expect(rest.data!.registry!.repository!.tags.pageInfo.hasNextPage).toBe(false);
  });

  it('answers a warm listing from cache, with no upstream request', async () => {
    const vars = { registry: 'local', repository: 'team/app', first: 5 };
    await server.gql(RemoteTagsDocument, vars);
    const before = await upstreamRequests(server.url, 'local');
    const warm = await server.gql(RemoteTagsDocument, vars);
    expect(warm.data!.registry!.repository!.tags.edges).toHaveLength(TAGS.length);
    expect(await upstreamRequests(server.url, 'local')).toBe(before);
  });

  it('reads one tag, or null for a tag that does not exist', async () => {
    const found = await server.gql(RemoteTagDocument, {
      registry: 'local',
      repository: 'team/app',
      tag: 'v5',
    });
    expect(found.data!.registry!.repository!.tag).toEqual({
      name: 'v5',
      digest: content.images.v5.digest,
    });
    const missing = await server.gql(RemoteTagDocument, {
      registry: 'local',
      repository: 'team/app',
      tag: 'nope',
    });
    expect(missing.errors).toBeUndefined();
    expect(missing.data!.registry!.repository!.tag).toBeNull();
    const bad = await server.gql(RemoteTagDocument, {
      registry: 'local',
      repository: 'Team/App',
      tag: 'v1',
    });
    expect(errorCodes(bad)).toEqual(['BAD_USER_INPUT']);
  });

  it('resolves any pull spec to an image, an index with its platforms included', async () => {
    const index = await server.gql(ImageByPullSpecDocument, {
      pullSpec: `${registry.host}/team/multi:multi`,
    });
    expect(index.data!.image).toMatchObject({
      digest: content.index.digest,
      mediaType: 'application/vnd.oci.image.index.v1+json',
      layers: [],
      manifests: [
        { os: 'linux', architecture: 'amd64' },
        { os: 'linux', architecture: 'arm64' },
      ],
    });
    const byDigest = await server.gql(ImageByPullSpecDocument, {
      pullSpec: `${registry.host}/team/app@${content.images.v1.digest}`,
    });
    expect(byDigest.data!.image!.labels).toEqual({ tag: 'v1', app: 'demo' });
    const missing = await server.gql(ImageByPullSpecDocument, {
      pullSpec: `${registry.host}/team/app:gone`,
    });
    expect(missing.errors).toBeUndefined();
    expect(missing.data!.image).toBeNull();
    const invalid = await server.gql(ImageByPullSpecDocument, {
      pullSpec: `${registry.host}/team/App:v1`,
    });
    expect(errorCodes(invalid)).toEqual(['BAD_USER_INPUT']);
  });

  it('reads an image once per request however many fields ask for it', async () => {
    await pushSyntheticImage(registry.url, 'team/fresh', 'x', {
      authorization: basicAuth(auth.username, auth.password),
    });
    const before = await upstreamRequests(server.url, 'local');
    const pullSpec = `${registry.host}/team/fresh:x`;
    const res = await server.raw(
      'query($p: String!) { a: image(pullSpec: $p) { digest } b: image(pullSpec: $p) { size } c: image(pullSpec: $p) { labels } }',
      { p: pullSpec },
    );
    expect(res.errors).toBeUndefined();
    expect(await upstreamRequests(server.url, 'local')).toBe(before + 2);
    await server.raw('query($p: String!) { image(pullSpec: $p) { digest } }', { p: pullSpec });
    expect(await upstreamRequests(server.url, 'local')).toBe(before + 2);
  });
});
