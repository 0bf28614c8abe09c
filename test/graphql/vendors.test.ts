import {
  AddCredentialDocument,
  ImageByPullSpecDocument,
  RateLimitDocument,
  RegistryCapabilitiesDocument,
  RemoteTagDocument,
  RemoteTagsDocument,
  RepositoriesDocument,
  RestoreRemoteTagDocument,
  TagHistoryDocument,
  VulnerabilitiesDocument,
} from '../generated/graphql';
import { registriesConfigFile } from '../helpers/config-file';
import { startDockerRegistry, type DockerRegistry } from '../helpers/docker-registry';
import { eventually } from '../helpers/events';
import { seed, type Seeded } from '../helpers/seed';
import { errorCodes, startTestServer, type TestServer } from '../helpers/server';
import { pushSyntheticImage } from '../helpers/synthetic-images';
import { startDockerHubStandIn, type DockerHubStandIn } from '../../plugins/dockerhub/stand-in';
import { startFaultyRegistry, type FaultyRegistry } from '../helpers/vendors/faulty-registry';
import { startQuayStandIn, type QuayStandIn } from '../../plugins/quay/stand-in';

/** regql pointed at the vendors' stand-ins the way a user points it at the real services. */
describe('vendor capabilities through GraphQL', () => {
  let backing: DockerRegistry;
  let content: Seeded;
  let hub: DockerHubStandIn;
  let quay: QuayStandIn;
  let faulty: FaultyRegistry;
  let server: TestServer;

  beforeAll(async () => {
    backing = await startDockerRegistry();
    content = await seed(backing);
    hub = await startDockerHubStandIn({
      backing,
      users: { alice: 'dckr_pat_vendor' },
      privateRepositories: ['team/private'],
      rateLimit: 10,
    });
    quay = await startQuayStandIn({ backing, oauthTokens: ['quay-oauth-token'] });
    faulty = await startFaultyRegistry();
    const configFile = registriesConfigFile([
      { name: 'dockerhub', kind: 'DOCKER_HUB', url: hub.registryUrl, apiUrl: hub.hubUrl },
      { name: 'quay', kind: 'QUAY', url: quay.url },
      { name: 'faulty', kind: 'DISTRIBUTION', url: faulty.url },
    ]);
    server = await startTestServer({
      configFile,
      env: {
        REGQL_UPSTREAM_RETRY_BASE_MS: '5',
        REGQL_UPSTREAM_TIMEOUT_MS: '2000',
        REGQL_IMPORT_INTERVAL_SECONDS: '1',
        REGQL_IMPORT_JITTER: '0',
      },
    });
    for (const input of [
      {
        registryHost: 'docker.io',
        username: 'alice',
        password: 'dckr_pat_vendor',
        kind: 'DOCKER_HUB_TOKEN' as const,
      },
      { registryHost: quay.host, password: 'quay-oauth-token', kind: 'TOKEN' as const },
    ]) {
      expect(
        (await server.gql(AddCredentialDocument, { input: { namespace: 'shared', ...input } }))
          .errors,
      ).toBeUndefined();
    }
  }, 60000);
  afterAll(async () => {
    await server?.close();
    await faulty?.close();
    await quay?.close();
    await hub?.close();
    await backing?.stop();
  });

  describe('Docker Hub', () => {
    it('lists repositories and tags through the Hub API, digests included, without pulling', async () => {
      hub.setRemaining(10);
      const repos = await server.gql(RepositoriesDocument, {
        registry: 'dockerhub',
        query: 'team/',
        first: 10,
      });
      expect(repos.data!.registry!.repositories.edges.map((e) => e.node.name)).toEqual(
        expect.arrayContaining(['team/app', 'team/multi', 'team/private']),
      );
      const tags = await server.raw(
        '{ registry(name: "dockerhub") { repository(name: "team/app") { tags(first: 3) { edges { node { name digest lastModified } } } } } }',
      );
      expect(tags.errors).toBeUndefined();
      const nodes = (
        tags.data as {
          registry: {
            repository: {
              tags: { edges: { node: { name: string; digest: string; lastModified: string } }[] };
            };
          };
        }
      ).registry.repository.tags.edges.map((e) => e.node);
      expect(nodes).toHaveLength(3);
      for (const node of nodes) {
        expect(node.digest).toBe(content.images[node.name].digest);
        expect(Date.parse(node.lastModified)).not.toBeNaN();
      }
      expect(
        hub.requests.filter(
          (r) => r.service === 'registry' && r.method === 'GET' && r.path.includes('/manifests/'),
        ),
      ).toHaveLength(0);
      const noQuery = await server.gql(RepositoriesDocument, { registry: 'dockerhub', first: 10 });
      expect(errorCodes(noQuery)).toEqual(['BAD_USER_INPUT']);
    });

    it('reports the pull rate limit, and refreshes digests with HEAD, which does not count', async () => {
      hub.setRemaining(10);
      await server.gql(ImageByPullSpecDocument, { pullSpec: 'docker.io/team/app:v2' });
      const afterPull = (await server.gql(RateLimitDocument, { registry: 'dockerhub' })).data!
        .registry!.rateLimit;
      expect(afterPull).toMatchObject({
        limit: 10,
        remaining: 9,
        windowSeconds: 21600,
        source: '127.0.0.1',
      });
      const head = await server.gql(RemoteTagDocument, {
        registry: 'dockerhub',
        repository: 'team/app',
        tag: 'v4',
      });
      expect(head.data!.registry!.repository!.tag!.digest).toBe(content.images.v4.digest);
      const afterHead = (await server.gql(RateLimitDocument, { registry: 'dockerhub' })).data!
        .registry!.rateLimit;
      expect(afterHead!.remaining).toBe(9);
    });

    it('says UPSTREAM_RATE_LIMITED once the limit is spent, and keeps serving what it has', async () => {
      hub.setRemaining(0);
      const limited = await server.gql(ImageByPullSpecDocument, {
        pullSpec: 'docker.io/team/app:v5',
      });
      expect(errorCodes(limited)).toEqual(['UPSTREAM_RATE_LIMITED']);
      const cached = await server.gql(ImageByPullSpecDocument, {
        pullSpec: 'docker.io/team/app:v2',
      });
      expect(cached.data!.image!.digest).toBe(content.images.v2.digest);
      hub.setRemaining(10);
    });

    it('refreshes scheduled tags with HEAD, so an unchanged tag costs no pull', async () => {
      hub.setRemaining(50);
      const created = await server.raw(
        'mutation { createImageStream(input: { namespace: "hub", name: "app", tags: [{ name: "v1", from: "docker.io/team/app:v1", importPolicy: { scheduled: true } }] }) { name } }',
      );
      expect(created.errors).toBeUndefined();
      const current = async () =>
        (
          (
            await server.raw(
              '{ imageStream(namespace: "hub", name: "app") { tag(name: "v1") { current { image } } } }',
            )
          ).data as {
            imageStream: { tag: { current: { image: string } | null } };
          }
        ).imageStream.tag.current;
      await eventually(async () => (await current()) !== null, 'the scheduled import of v1');
      expect((await current())!.image).toBe(content.images.v1.digest);
      const remaining = async () =>
        (await server.gql(RateLimitDocument, { registry: 'dockerhub' })).data!.registry!.rateLimit!
          .remaining;
      const heads = () =>
        hub.requests.filter((r) => r.method === 'HEAD' && r.path === '/v2/team/app/manifests/v1')
          .length;
      const afterFirst = await remaining();
      const headsBefore = heads();
      await eventually(() => heads() >= headsBefore + 2, 'two more scheduled HEADs');
      expect(heads()).toBeGreaterThanOrEqual(headsBefore + 2);
      expect(await remaining()).toBe(afterFirst);
    });

    it('reads private repositories with the shared credential', async () => {
      const res = await server.gql(ImageByPullSpecDocument, {
        pullSpec: 'docker.io/team/private:v1',
      });
      expect(res.errors).toBeUndefined();
      expect(res.data!.image!.architecture).toBe('amd64');
    });
  });

  describe('Quay', () => {
    it('lists repositories of a namespace through the REST API, across its pages', async () => {
      const res = await server.gql(RepositoriesDocument, {
        registry: 'quay',
        query: 'team',
        first: 10,
      });
      expect(res.data!.registry!.repositories.edges.map((e) => e.node.name)).toEqual([
        'team/app',
        'team/multi',
        'team/private',
      ]);
    });

    it('shows tag history, restores an earlier digest, and the restore shows in history', async () => {
      const vars = { registry: 'quay', repository: 'team/app', tag: 'v1' };
      const before = await server.gql(TagHistoryDocument, vars);
      expect(before.data!.registry!.repository!.tagHistory).toEqual([
        expect.objectContaining({ digest: content.images.v1.digest, active: true, endedAt: null }),
      ]);
      const moved = await pushSyntheticImage(backing.url, 'team/app', 'v1');
      const afterPush = (await server.gql(TagHistoryDocument, vars)).data!.registry!.repository!
        .tagHistory;
      expect(afterPush.map((e) => [e.digest, e.active])).toEqual([
        [moved.digest, true],
        [content.images.v1.digest, false],
      ]);
      const restored = await server.gql(RestoreRemoteTagDocument, {
        input: { ...vars, digest: content.images.v1.digest },
      });
      expect(restored.errors).toBeUndefined();
      const afterRestore = (await server.gql(TagHistoryDocument, vars)).data!.registry!.repository!
        .tagHistory;
      expect(afterRestore[0]).toMatchObject({ digest: content.images.v1.digest, active: true });
      expect(afterRestore).toHaveLength(3);
    });

    it('shows security scans, queued or scanned', async () => {
      const pullSpec = `${quay.host}/team/app:v3`;
      const queued = await server.gql(VulnerabilitiesDocument, { pullSpec });
      expect(queued.data!.image!.vulnerabilities).toEqual({ status: 'queued', features: [] });
      quay.setSecurity(content.images.v3.digest, {
        status: 'scanned',
        data: {
          Layer: {
            Features: [
              {
                Name: 'openssl',
                Version: '3.0.2',
                VersionFormat: 'dpkg',
                NamespaceName: 'debian:12',
                AddedBy: 'sha256:abc',
                Vulnerabilities: [
                  {
                    Name: 'CVE-2024-0001',
                    Severity: 'High',
                    FixedBy: '3.0.3',
                    Link: 'https://security.example/CVE-2024-0001',
                    Description: 'bad',
                    NamespaceName: 'debian:12',
                    Metadata: null,
                  },
                ],
              },
              {
                Name: 'zlib',
                Version: '1.2',
                VersionFormat: 'dpkg',
                NamespaceName: 'debian:12',
                AddedBy: 'sha256:abc',
              },
            ],
          },
        },
      });
      const scanned = await server.gql(VulnerabilitiesDocument, { pullSpec });
      expect(scanned.data!.image!.vulnerabilities).toEqual({
        status: 'scanned',
        features: [
          {
            name: 'openssl',
            version: '3.0.2',
            vulnerabilities: [
              {
                name: 'CVE-2024-0001',
                severity: 'High',
                fixedBy: '3.0.3',
                link: 'https://security.example/CVE-2024-0001',
              },
            ],
          },
          { name: 'zlib', version: '1.2', vulnerabilities: [] },
        ],
      });
    });

    it('lists what each registry supports, as its plugin declares', async () => {
      const res = await server.gql(RegistryCapabilitiesDocument, {});
      const byName = Object.fromEntries(
        (res.data?.registries ?? []).map((r) => [r.name, [r.kind, [...r.capabilities].sort()]]),
      );
      expect(byName).toMatchObject({
        integrated: ['INTEGRATED', []],
        faulty: ['DISTRIBUTION', []],
        dockerhub: ['DOCKER_HUB', ['RATE_LIMIT']],
        quay: ['QUAY', ['RESTORE_TAG', 'TAG_HISTORY', 'VULNERABILITY_SCAN']],
        redhat: ['REDHAT', []],
      });
    });

    it('says NOT_SUPPORTED where a registry has no tag history', async () => {
      const res = await server.gql(TagHistoryDocument, {
        registry: 'faulty',
        repository: 'a/b',
        tag: 'v1',
      });
      expect(errorCodes(res)).toEqual(['NOT_SUPPORTED']);
    });
  });

  describe('a registry that misbehaves', () => {
    it('answers typed errors per field and stays up', async () => {
      const res = await server.raw(
        `{ ok: image(pullSpec: "${faulty.host}/unavailable/app:v1") { digest }
           huge: image(pullSpec: "${faulty.host}/huge/app:v1") { digest }
           bad: image(pullSpec: "${faulty.host}/mismatch/app:v1") { digest }
           down: image(pullSpec: "${faulty.host}/always-503/app:v1") { digest } }`,
      );
      expect(res.data).toEqual({
        ok: { digest: faulty.digestOf('unavailable/app') },
        huge: null,
        bad: null,
        down: null,
      });
      expect(errorCodes(res).sort()).toEqual([
        'UPSTREAM_INVALID',
        'UPSTREAM_INVALID',
        'UPSTREAM_UNAVAILABLE',
      ]);
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
      const tags = await server.gql(RemoteTagsDocument, {
        registry: 'faulty',
        repository: 'malformed/app',
        first: 5,
      });
      expect(errorCodes(tags)).toEqual(['UPSTREAM_INVALID']);
    });
  });
});
