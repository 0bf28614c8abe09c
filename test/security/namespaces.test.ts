import { randomUUID } from 'node:crypto';
import { OCI_MANIFEST } from '../../src/oci/media-types';
import { basicAuth } from '../helpers/basic-auth';
import { eventually } from '../helpers/events';
import { ADMIN_TOKEN, errorCodes, startTestServer, type TestServer } from '../helpers/server';
import { pushSyntheticImage, type SyntheticImage } from '../helpers/synthetic-images';
import { watchEvents } from '../helpers/watch-events';

type Caller = 'viewer' | 'editor' | 'admin';

const cursor = (name: string) => Buffer.from(name).toString('base64url');

/**
 * A hostile user of namespace `a` (as viewer, editor or admin, or with no token at all) tries
 * every path to namespace `b`'s images, names and events; then `b` grants `a` pull access and
 * withdraws it, and every path must follow the grant.
 */
describe('one namespace never reaches another', () => {
  let server: TestServer;
  let host: string;
  const tokens = {} as Record<Caller | 'adminB', { id: string; token: string }>;
  let bApp: SyntheticImage;
  let bSecret: SyntheticImage;

  const gql = (query: string, variables: Record<string, unknown>, token: string | null) =>
    server.raw(query, variables, token);
  const tokenOf = (caller: Caller | null) => (caller ? tokens[caller].token : null);
  const push = (repository: string, tag: string) =>
    pushSyntheticImage(server.url, repository, tag, {
      authorization: basicAuth('admin', ADMIN_TOKEN),
      labels: { secret: `${repository}:${tag}` },
    });
  /** Nothing of b's content may appear in an answer to a caller without the right. */
  const expectNothingOfB = (answer: unknown) => {
    const text = JSON.stringify(answer);
    for (const leak of ['secret-project', bApp.digest, bSecret.digest, 'b/app'])
      expect([leak, text.includes(leak)]).toEqual([leak, false]);
  };

  beforeAll(async () => {
    server = await startTestServer();
    host = new URL(server.url).host;
    const create = async (namespace: string, role: string) => {
      const res = await server.raw(
        'mutation($i: CreateTokenInput!) { createToken(input: $i) { id token } }',
        { i: { namespace, role } },
      );
      return (res.data as { createToken: { id: string; token: string } }).createToken;
    };
    tokens.viewer = await create('a', 'VIEWER');
    tokens.editor = await create('a', 'EDITOR');
    tokens.admin = await create('a', 'ADMIN');
    tokens.adminB = await create('b', 'ADMIN');
    bApp = await push('b/app', 'v1');
    bSecret = await push('b/secret-project', 'v1');
    await push('a/app', 'v1');
  });
  afterAll(async () => {
    await server?.close();
  });

  const readsOfB: [string, string][] = [
    ['imageStreams', '{ imageStreams(namespace: "b") { edges { node { name } } } }'],
    ['imageStream', '{ imageStream(namespace: "b", name: "app") { name tags { name } } }'],
    ['image(pullSpec:)', '{ image(pullSpec: "HOST/b/app:v1") { digest labels } }'],
    [
      'registry tags',
      '{ registry(name: "integrated") { repository(name: "b/secret-project") { tags(first: 10) { edges { node { name digest } } } } } }',
    ],
    [
      'registry tag',
      '{ registry(name: "integrated") { repository(name: "b/app") { tag(name: "v1") { digest } } } }',
    ],
    ['credentials', '{ credentials(namespace: "b") { id } }'],
    ['events', '{ events(namespace: "b") { edges { node { id repository } } } }'],
    ['triggers', '{ triggers(namespace: "b") { id } }'],
    ['webhookReceivers', '{ webhookReceivers(namespace: "b") { id } }'],
    ['pullGrants', '{ pullGrants(namespace: "b") { namespace from } }'],
  ];

  const mutationsOnB: [string, string, Record<string, unknown>][] = [
    [
      'importImage from b',
      'mutation($i: ImportImageInput!) { importImage(input: $i) { images { tag status image { digest } } } }',
      { i: { namespace: 'a', stream: 'x', from: 'HOST/b/app:v1', confirm: true } },
    ],
    [
      "importImage listing b's tags (dry run)",
      'mutation($i: ImportImageInput!) { importImage(input: $i) { additionalTags images { tag status } } }',
      {
        i: {
          namespace: 'a',
          stream: 'x',
          from: 'HOST/b/secret-project',
          all: true,
          dryRun: true,
          confirm: true,
        },
      },
    ],
    [
      'tagImage from a stream tag of b',
      'mutation($i: TagImageInput!) { tagImage(input: $i) { name current { image } } }',
      { i: { source: 'b/app:v1', destination: 'a/x:y' } },
    ],
    [
      'tagImage from a pull spec of b',
      'mutation($i: TagImageInput!) { tagImage(input: $i) { name current { image } } }',
      { i: { source: 'HOST/b/app:v1', destination: 'a/x:y' } },
    ],
    [
      'tagImage alias of b',
      'mutation($i: TagImageInput!) { tagImage(input: $i) { name } }',
      { i: { source: 'b/secret-project:v1', destination: 'a/x:y', alias: true } },
    ],
    [
      'createImageStream following b',
      'mutation($i: CreateImageStreamInput!) { createImageStream(input: $i) { name } }',
      { i: { namespace: 'a', name: 's1', tags: [{ name: 't', from: 'b/secret-project:v1' }] } },
    ],
    [
      'createImageStream importing from b',
      'mutation($i: CreateImageStreamInput!) { createImageStream(input: $i) { name } }',
      {
        i: {
          namespace: 'a',
          name: 's2',
          tags: [{ name: 't', from: 'HOST/b/app:v1', importPolicy: { scheduled: true } }],
        },
      },
    ],
    [
      'grantPull to itself',
      'mutation($i: PullGrantInput!) { grantPull(input: $i) { from } }',
      { i: { namespace: 'a', from: 'b' } },
    ],
    [
      'importImage into b',
      'mutation($i: ImportImageInput!) { importImage(input: $i) { images { tag } } }',
      { i: { namespace: 'b', stream: 'app', from: 'HOST/a/app:v1', confirm: true } },
    ],
    [
      'createImageStream in b',
      'mutation($i: CreateImageStreamInput!) { createImageStream(input: $i) { name } }',
      { i: { namespace: 'b', name: 'new' } },
    ],
    ['deleteImageStream in b', 'mutation { deleteImageStream(namespace: "b", name: "app") }', {}],
    [
      'rollbackTag in b',
      'mutation($i: RollbackTagInput!) { rollbackTag(input: $i) { name } }',
      { i: { namespace: 'b', stream: 'app', tag: 'v1', position: 1 } },
    ],
    [
      'tagImage into b',
      'mutation($i: TagImageInput!) { tagImage(input: $i) { name } }',
      { i: { source: 'a/app:v1', destination: 'b/app:evil' } },
    ],
    [
      'addCredential in b',
      'mutation($i: AddCredentialInput!) { addCredential(input: $i) { id } }',
      { i: { namespace: 'b', registryHost: 'quay.io', username: 'u', password: 'p' } },
    ],
    [
      'createToken in b',
      'mutation($i: CreateTokenInput!) { createToken(input: $i) { token } }',
      { i: { namespace: 'b', role: 'VIEWER' } },
    ],
    [
      'createWebhookReceiver in b',
      'mutation($i: CreateWebhookReceiverInput!) { createWebhookReceiver(input: $i) { url } }',
      { i: { namespace: 'b', kind: 'DISTRIBUTION' } },
    ],
    [
      'addTrigger in b',
      'mutation($i: AddTriggerInput!) { addTrigger(input: $i) { id } }',
      { i: { namespace: 'b', url: 'https://example.com/hook' } },
    ],
  ];

  const withHost = (value: unknown): Record<string, unknown> =>
    JSON.parse(JSON.stringify(value).replaceAll('HOST', host));

  describe.each<[string, Caller | null]>([
    ['a viewer of a', 'viewer'],
    ['an editor of a', 'editor'],
    ['an admin of a', 'admin'],
    ['a caller without a token', null],
  ])('%s', (_, caller) => {
    const refusal = caller ? 'FORBIDDEN' : 'UNAUTHENTICATED';

    it.each(readsOfB)('cannot read b through %s', async (_, query) => {
      const answer = await gql(query.replaceAll('HOST', host), {}, tokenOf(caller));
      expect(errorCodes(answer)).toEqual([refusal]);
      expectNothingOfB(answer);
    });

    it.each(mutationsOnB)('cannot reach b through %s', async (_, mutation, variables) => {
      const answer = await gql(mutation, withHost(variables), tokenOf(caller));
      expect(errorCodes(answer)).toEqual([refusal]);
      expectNothingOfB(answer);
    });
  });

  it("cannot use, change or remove b's credentials, triggers, receivers and tokens by id", async () => {
    const made = (await gql(
      `mutation {
        addCredential(input: { namespace: "b", registryHost: "quay.io", username: "u", password: "b-secret-pass" }) { id }
        addTrigger(input: { namespace: "b", url: "https://hooks.example.com/regql", stream: "never-used", types: [TAG_UPDATED] }) { id }
        createWebhookReceiver(input: { kind: DISTRIBUTION, namespace: "b" }) { id }
        createToken(input: { namespace: "b", role: VIEWER }) { id }
      }`,
      {},
      tokens.adminB.token,
    )) as {
      status: number;
      data: {
        addCredential: { id: string };
        addTrigger: { id: string };
        createWebhookReceiver: { id: string };
        createToken: { id: string };
      };
    };
    expect(made.status).toBe(200);
    const ids = made.data;
    const byId: [string, string][] = [
      [
        'verifyCredential',
        `mutation { verifyCredential(id: "${ids.addCredential.id}") { ok message } }`,
      ],
      ['deleteCredential', `mutation { deleteCredential(id: "${ids.addCredential.id}") }`],
      ['removeTrigger', `mutation { removeTrigger(id: "${ids.addTrigger.id}") }`],
      [
        'removeWebhookReceiver',
        `mutation { removeWebhookReceiver(id: "${ids.createWebhookReceiver.id}") }`,
      ],
      ['revokeToken', `mutation { revokeToken(id: "${ids.createToken.id}") }`],
      [
        'restoreRemoteTag with b',
        'mutation { restoreRemoteTag(input: { registry: "quay", repository: "b/app", tag: "v1", digest: "sha256:0000000000000000000000000000000000000000000000000000000000000000", namespace: "b" }) { name } }',
      ],
    ];
    for (const caller of ['viewer', 'editor', 'admin'] as const)
      for (const [what, mutation] of byId) {
        const answer = await gql(mutation, {}, tokens[caller].token);
        expect([caller, what, errorCodes(answer)]).toEqual([
          caller,
          what,
          [what === 'restoreRemoteTag with b' ? 'FORBIDDEN' : 'NOT_FOUND'],
        ]);
        expect(JSON.stringify(answer)).not.toContain('b-secret-pass');
      }
    const still = await gql(
      '{ credentials(namespace: "b") { id } triggers(namespace: "b") { id } webhookReceivers(namespace: "b") { id } }',
      {},
      tokens.adminB.token,
    );
    expect(still.data).toEqual({
      credentials: [{ id: ids.addCredential.id }],
      triggers: [{ id: ids.addTrigger.id }],
      webhookReceivers: [{ id: ids.createWebhookReceiver.id }],
    });
  });

  it("lists only a's repositories, and no cursor names b's", async () => {
    const list = async (after: string | null) =>
      (
        await gql(
          'query($after: String) { registry(name: "integrated") { repositories(first: 1, after: $after) { edges { cursor node { name } } pageInfo { hasNextPage endCursor } } } }',
          { after },
          tokens.viewer.token,
        )
      ).data as {
        registry: {
          repositories: {
            edges: { cursor: string; node: { name: string } }[];
            pageInfo: { hasNextPage: boolean; endCursor: string | null };
          };
        };
      };
    const first = await list(null);
    expect(first.registry.repositories.edges.map((e) => e.node.name)).toEqual(['a/app']);
    const next = await list(cursor('a/app'));
    expect(next.registry.repositories).toEqual({
      edges: [],
      pageInfo: { hasNextPage: false, endCursor: null },
    });
    expectNothingOfB([first, next]);
  });

  it('refuses every /v2 route of b to a token of a, and the catalog lists none of it', async () => {
    const basic = { authorization: basicAuth('someone', tokens.editor.token) };
    const routes: [string, string][] = [
      ['GET', '/v2/b/app/manifests/v1'],
      ['HEAD', `/v2/b/app/manifests/${bApp.digest}`],
      ['GET', '/v2/b/secret-project/tags/list'],
      ['GET', `/v2/b/app/blobs/${bApp.layer.digest}`],
      ['POST', '/v2/b/app/blobs/uploads/'],
      ['DELETE', `/v2/b/app/manifests/${bApp.digest}`],
      ['GET', `/v2/b/app/referrers/${bApp.digest}`],
    ];
    for (const [method, path] of routes) {
      const res = await fetch(`${server.url}${path}`, { method, headers: basic });
      expect([method, path, res.status]).toEqual([method, path, 401]);
      if (method !== 'HEAD')
        expect(await res.json()).toEqual({
          errors: [expect.objectContaining({ code: 'UNAUTHORIZED' })],
        });
    }
    const mount = await fetch(
      `${server.url}/v2/a/copy/blobs/uploads/?mount=${bApp.layer.digest}&from=b/app`,
      { method: 'POST', headers: basic },
    );
    expect(mount.status).toBe(202);
    const discovered = await fetch(
      `${server.url}/v2/a/copy/blobs/uploads/?mount=${bApp.layer.digest}`,
      { method: 'POST', headers: basic },
    );
    expect(discovered.status).toBe(202);
    const catalog = await fetch(`${server.url}/v2/_catalog`, { headers: basic });
    expect(await catalog.json()).toEqual({ repositories: ['a/app'] });
    const issued = await fetch(
      `${server.url}/auth/token?service=regql&scope=repository:b/app:pull`,
      { headers: basic },
    );
    const { token } = (await issued.json()) as { token: string };
    const body = JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString()) as {
      access: unknown[];
    };
    expect(body.access).toEqual([]);
  });

  it("streams none of b's events to a's subscribers, and refuses a filter on b", async () => {
    const onB = watchEvents(server.url, `Bearer ${tokens.viewer.token}`, { namespace: 'b' });
    const all = watchEvents(server.url, `Bearer ${tokens.viewer.token}`, {});
    try {
      await eventually(() => onB.errors.length > 0, 'the filter on b to be refused');
      expect(JSON.stringify(onB.errors)).toContain('FORBIDDEN');
      await push('b/app', 'v9');
      const mine = await push('a/app', 'v9');
      await eventually(
        () => all.events.some((e) => e.digest === mine.digest),
        "a's own push to arrive",
      );
      expect(all.events.every((e) => e.namespace === 'a')).toBe(true);
    } finally {
      await onB.stop();
      await all.stop();
    }
  });

  describe('with a pull grant from b, and after it is withdrawn', () => {
    const adminB = () => tokens.adminB.token;
    const grant = { namespace: 'a', from: 'b' };
    const streamTag = async (name: string, tag: string) =>
      (
        (
          await gql(
            'query($n: String!, $t: String!) { imageStream(namespace: "a", name: $n) { tag(name: $t) { current { image } conditions { status reason message } } } }',
            { n: name, t: tag },
            tokens.viewer.token,
          )
        ).data as {
          imageStream: {
            tag: {
              current: { image: string } | null;
              conditions: { status: string; reason: string | null; message: string | null }[];
            };
          };
        }
      ).imageStream.tag;

    it('lets a pull, import, follow and browse b; only an admin of b grants', async () => {
      const granted = await gql(
        'mutation($i: PullGrantInput!) { grantPull(input: $i) { namespace from grantedBy } }',
        { i: grant },
        adminB(),
      );
      expect(granted.data).toEqual({
        grantPull: { namespace: 'a', from: 'b', grantedBy: tokens.adminB.id },
      });
      const listed = await gql(
        '{ pullGrants(namespace: "a") { namespace from } }',
        {},
        tokens.viewer.token,
      );
      expect(listed.data).toEqual({ pullGrants: [{ namespace: 'a', from: 'b' }] });

      const image = await gql(
        `{ image(pullSpec: "${host}/b/app:v1") { digest } }`,
        {},
        tokens.viewer.token,
      );
      expect(image.data).toEqual({ image: { digest: bApp.digest } });
      const imported = await gql(
        'mutation($i: ImportImageInput!) { importImage(input: $i) { images { tag status } } }',
        { i: { namespace: 'a', stream: 'mirror', from: `${host}/b/app:v1`, confirm: true } },
        tokens.editor.token,
      );
      expect(imported.data).toEqual({
        importImage: { images: [{ tag: 'v1', status: 'SUCCESS' }] },
      });
      const follower = await gql(
        'mutation($i: TagImageInput!) { tagImage(input: $i) { current { image } } }',
        { i: { source: 'b/app:v1', destination: 'a/mirror:follow', alias: true } },
        tokens.editor.token,
      );
      expect(follower.data).toEqual({ tagImage: { current: { image: bApp.digest } } });
      const manifest = await fetch(`${server.url}/v2/b/app/manifests/v1`, {
        headers: { authorization: basicAuth('x', tokens.viewer.token), accept: OCI_MANIFEST },
      });
      expect(manifest.status).toBe(200);
      const pulledThrough = await fetch(`${server.url}/v2/a/mirror/manifests/v1`, {
        headers: { authorization: basicAuth('x', tokens.viewer.token), accept: OCI_MANIFEST },
      });
      expect(pulledThrough.status).toBe(200);
      const later = await gql(
        'mutation($i: TagImageInput!) { tagImage(input: $i) { current { image } } }',
        { i: { source: 'b/secret-project:v1', destination: 'a/mirror:later' } },
        tokens.editor.token,
      );
      expect(later.data).toEqual({ tagImage: { current: { image: bSecret.digest } } });
      const discovered = await fetch(
        `${server.url}/v2/a/copy/blobs/uploads/?mount=${bApp.layer.digest}`,
        { method: 'POST', headers: { authorization: basicAuth('x', tokens.editor.token) } },
      );
      expect(discovered.status).toBe(201);
    });

    it('stops every later resolution once the grant is withdrawn', async () => {
      const issued = await fetch(
        `${server.url}/auth/token?service=regql&scope=repository:b/app:pull`,
        { headers: { authorization: basicAuth('x', tokens.viewer.token) } },
      );
      const { token: bearer } = (await issued.json()) as { token: string };
      const withBearer = () =>
        fetch(`${server.url}/v2/b/app/manifests/v1`, {
          headers: { authorization: `Bearer ${bearer}`, accept: OCI_MANIFEST },
        });
      expect((await withBearer()).status).toBe(200);

      const revoked = await gql(
        'mutation($i: PullGrantInput!) { revokePull(input: $i) }',
        { i: grant },
        adminB(),
      );
      expect(revoked.data).toEqual({ revokePull: true });

      expect((await withBearer()).status).toBe(401);
      const notYetPulled = await fetch(`${server.url}/v2/a/mirror/manifests/later`, {
        headers: { authorization: basicAuth('x', tokens.viewer.token), accept: OCI_MANIFEST },
      });
      expect(notYetPulled.status).toBe(404);
      const reimport = await gql(
        'mutation($i: ImportImageInput!) { importImage(input: $i) { images { tag status reason } } }',
        { i: { namespace: 'a', stream: 'mirror', confirm: false } },
        tokens.editor.token,
      );
      expect(reimport.data).toEqual({
        importImage: { images: [{ tag: 'v1', status: 'FAILED', reason: 'Forbidden' }] },
      });

      const moved = await push('b/app', 'v1');
      await eventually(
        async () => (await streamTag('mirror', 'follow')).conditions[0]?.reason === 'Forbidden',
        'the alias to report that it may not follow',
      );
      expect((await streamTag('mirror', 'follow')).current!.image).toBe(bApp.digest);

      const receiver = (
        await gql(
          'mutation { createWebhookReceiver(input: { kind: DISTRIBUTION, namespace: "a" }) { url } }',
          {},
          tokens.admin.token,
        )
      ).data as { createWebhookReceiver: { url: string } };
      const hook = await fetch(receiver.createWebhookReceiver.url, {
        method: 'POST',
        headers: { 'content-type': 'application/vnd.docker.distribution.events.v1+json' },
        body: JSON.stringify({
          events: [
            {
              id: randomUUID(),
              timestamp: new Date().toISOString(),
              action: 'push',
              target: {
                mediaType: OCI_MANIFEST,
                digest: moved.digest,
                size: 400,
                repository: 'b/app',
                url: `http://${host}/v2/b/app/manifests/${moved.digest}`,
                tag: 'v1',
              },
              request: { id: randomUUID(), addr: '127.0.0.1:1', host, method: 'PUT' },
              actor: {},
              source: { addr: 'x:5000', instanceID: randomUUID() },
            },
          ],
        }),
      });
      expect(await hook.json()).toMatchObject({ accepted: 1, imports: 1 });
      await eventually(
        async () => (await streamTag('mirror', 'v1')).conditions[0]?.reason === 'Forbidden',
        'the webhook import to fail',
      );
      expect((await streamTag('mirror', 'v1')).current!.image).toBe(bApp.digest);
      const image = await gql(
        `{ image(pullSpec: "${host}/b/app:v1") { digest } }`,
        {},
        tokens.viewer.token,
      );
      expect(errorCodes(image)).toEqual(['FORBIDDEN']);
    });
  });

  it('refuses a /v2 bearer as soon as the regql token it came from is revoked', async () => {
    const { id, token } = (
      (await server.raw(
        'mutation { createToken(input: { namespace: "a", role: EDITOR }) { id token } }',
      )) as { data: { createToken: { id: string; token: string } } }
    ).data.createToken;
    const issued = await fetch(
      `${server.url}/auth/token?service=regql&scope=repository:a/app:pull,push`,
      { headers: { authorization: basicAuth('x', token) } },
    );
    const { token: bearer } = (await issued.json()) as { token: string };
    const pull = () =>
      fetch(`${server.url}/v2/a/app/manifests/v1`, {
        headers: { authorization: `Bearer ${bearer}`, accept: OCI_MANIFEST },
      });
    const upload = () =>
      fetch(`${server.url}/v2/a/app/blobs/uploads/`, {
        method: 'POST',
        headers: { authorization: `Bearer ${bearer}` },
      });
    expect((await pull()).status).toBe(200);
    await server.raw(`mutation { revokeToken(id: "${id}") }`);
    expect((await pull()).status).toBe(401);
    expect((await upload()).status).toBe(401);
  });
});
