import { randomUUID } from 'node:crypto';
import { OCI_MANIFEST } from '../../src/oci/media-types';
import {
  AddRegistryDocument,
  CreateWebhookReceiverDocument,
  EventsDocument,
  ImportImageFullDocument,
  RemoveWebhookReceiverDocument,
  StreamTagDocument,
  WebhookReceiversDocument,
} from '../generated/graphql';
import { metricsText } from '../helpers/metrics';
import { startDockerRegistry, type DockerRegistry } from '../helpers/docker-registry';
import { eventually } from '../helpers/events';
import { errorCodes, startTestServer, type TestServer } from '../helpers/server';
import { pushSyntheticImage } from '../helpers/synthetic-images';

const distributionType = 'application/vnd.docker.distribution.events.v2+json';

describe('inbound registry webhooks', () => {
  let server: TestServer;
  let registry: DockerRegistry;
  let receiver: { id: string; url: string; secret: string };

  const events = async (type?: string) =>
    (await server.gql(EventsDocument, { namespace: 'team-a', first: 500 }))
      .data!.events.edges.map((e) => e.node)
      .filter((n) => !type || n.type === type);
  const currentImage = async (stream: string, tag: string, on = server) =>
    (await on.gql(StreamTagDocument, { namespace: 'team-a', name: stream, tag })).data!.imageStream
      ?.tag?.current?.image;
  const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  const distributionEnvelope = (
    action: string,
    id: string,
    target: { host: string; repository: string; tag: string; digest: string },
  ) => ({
    events: [
      {
        id,
        timestamp: new Date().toISOString(),
        action,
        target: {
          mediaType: OCI_MANIFEST,
          digest: target.digest,
          size: 400,
          length: 400,
          repository: target.repository,
          url: `http://${target.host}/v2/${target.repository}/manifests/${target.digest}`,
          tag: target.tag,
        },
        request: { id: randomUUID(), addr: '127.0.0.1:1', host: target.host, method: 'PUT' },
        actor: {},
        source: { addr: 'x:5000', instanceID: randomUUID() },
      },
    ],
  });
  const createReceiver = async (
    kind: 'DISTRIBUTION' | 'QUAY' | 'DOCKER_HUB' | 'HARBOR',
    on = server,
  ) => {
    const res = await on.gql(CreateWebhookReceiverDocument, {
      input: { kind, namespace: 'team-a' },
    });
    const created = res.data!.createWebhookReceiver;
    return { id: created.id, url: created.url, secret: created.secret! };
  };
  const track = async (stream: string, from: string, on = server) => {
    const res = await on.gql(ImportImageFullDocument, {
      input: { namespace: 'team-a', stream, from, tag: 'latest', confirm: true },
    });
    expect(res.data!.importImage.images[0].status).toBe('SUCCESS');
  };

  beforeAll(async () => {
    server = await startTestServer();
    receiver = await createReceiver('DISTRIBUTION');
    registry = await startDockerRegistry({ notify: { url: receiver.url } });
    await server.gql(AddRegistryDocument, {
      input: { name: 'upstream', kind: 'DISTRIBUTION', url: registry.url },
    });
  }, 60000);
  afterAll(async () => {
    await registry?.stop();
    await server?.close();
  });

  it('shows the secret once, in the URL and on its own, and never again', async () => {
    expect(receiver.url).toBe(
      `${server.app.services.publicUrl}/webhooks/distribution/${receiver.id}/${receiver.secret}`,
    );
    const listed = await server.gql(WebhookReceiversDocument, { namespace: 'team-a' });
    expect(listed.data!.webhookReceivers).toContainEqual({
      id: receiver.id,
      kind: 'DISTRIBUTION',
      url: `${server.app.services.publicUrl}/webhooks/distribution/${receiver.id}`,
      secret: null,
    });
  });

  it('imports a tracked tag as soon as the real docker-registry notifies a push, and logs EXTERNAL_PUSH', async () => {
    const first = await pushSyntheticImage(registry.url, 'team/app', 'v1');
    await track('app', `${registry.host}/team/app:v1`);
    expect(await currentImage('app', 'latest')).toBe(first.digest);
    const second = await pushSyntheticImage(registry.url, 'team/app', 'v1');
    await eventually(
      async () => (await currentImage('app', 'latest')) === second.digest,
      'the import the notification starts',
    );
    const pushes = (await events('EXTERNAL_PUSH')).filter((e) => e.digest === second.digest);
    expect(pushes).toEqual([
      expect.objectContaining({
        registry: registry.host,
        repository: 'team/app',
        tag: 'v1',
        digest: second.digest,
      }),
    ]);
    const imported = (await events('IMAGE_IMPORTED')).filter((e) => e.stream === 'app');
    expect(imported.map((e) => e.digest)).toEqual([first.digest, second.digest]);
    expect(server.logs.join('\n')).not.toContain(receiver.secret);
  });

  it('waits for the tag when the notification arrives before the registry has moved it', async () => {
    const quiet = await startDockerRegistry();
    try {
      await server.gql(AddRegistryDocument, {
        input: { name: 'quiet', kind: 'DISTRIBUTION', url: quiet.url },
      });
      await pushSyntheticImage(quiet.url, 'team/lag', 'v1');
      await track('lag', `${quiet.host}/team/lag:v1`);
      const next = await pushSyntheticImage(quiet.url, 'team/lag', 'candidate');
      const target = { host: quiet.host, repository: 'team/lag', tag: 'v1', digest: next.digest };
      const res = await post(receiver.url, distributionEnvelope('push', randomUUID(), target), {
        'content-type': distributionType,
      });
      expect(await res.json()).toEqual({ accepted: 1, duplicates: 0, imports: 1 });
      await new Promise((resolve) => setTimeout(resolve, 300));
      const moved = await fetch(`${quiet.url}/v2/team/lag/manifests/v1`, {
        method: 'PUT',
        headers: { 'content-type': OCI_MANIFEST },
        body: next.manifest,
      });
      expect(moved.status).toBe(201);
      await eventually(
        async () => (await currentImage('lag', 'latest')) === next.digest,
        'the import to find the tag moved',
      );
    } finally {
      await quiet.stop();
    }
  });

  it('takes a redelivered notification once, and ignores pulls', async () => {
    const digest = `sha256:${'c'.repeat(64)}`;
    const target = { host: registry.host, repository: 'team/other', tag: 'v9', digest };
    const id = randomUUID();
    const headers = { 'content-type': distributionType };
    const once = await post(receiver.url, distributionEnvelope('push', id, target), headers);
    expect(once.status).toBe(202);
    expect(await once.json()).toEqual({ accepted: 1, duplicates: 0, imports: 0 });
    const twice = await post(receiver.url, distributionEnvelope('push', id, target), headers);
    expect(await twice.json()).toEqual({ accepted: 0, duplicates: 1, imports: 0 });
    const pull = await post(
      receiver.url,
      distributionEnvelope('pull', randomUUID(), target),
      headers,
    );
    expect(await pull.json()).toEqual({ accepted: 0, duplicates: 0, imports: 0 });
    expect((await events('EXTERNAL_PUSH')).filter((e) => e.digest === digest)).toHaveLength(1);
  });

  it('refuses a request without the right secret with 401, and a malformed one with 400, changing nothing', async () => {
    const before = (await events()).length;
    const endpoint = `${server.url}/webhooks/distribution/${receiver.id}`;
    const body = { events: [] };
    expect((await post(endpoint, body)).status).toBe(401);
    expect((await post(`${endpoint}/rgq_wrong`, body)).status).toBe(401);
    expect(
      (await post(`${endpoint}/wrong`, body, { 'x-regql-webhook-secret': receiver.secret })).status,
    ).toBe(401);
    expect(
      (await post(`${server.url}/webhooks/quay/${receiver.id}/${receiver.secret}`, body)).status,
    ).toBe(401);
    const malformed = await post(receiver.url, '{"events": [', {
      'content-type': distributionType,
    });
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({
      errors: [{ extensions: { code: 'BAD_REQUEST' }, message: expect.stringMatching(/JSON/i) }],
    });
    expect(
      (await post(receiver.url, { events: 'no' }, { 'content-type': distributionType })).status,
    ).toBe(400);
    expect((await fetch(receiver.url)).status).toBe(405);
    expect((await events()).length).toBe(before);
    expect(server.logs.join('\n')).not.toContain(receiver.secret);
  });

  it('takes the secret from a header, for senders configured with headers', async () => {
    const harbor = await createReceiver('HARBOR');
    const endpoint = harbor.url.slice(0, -harbor.secret.length - 1);
    const payload = {
      type: 'PUSH_ARTIFACT',
      occur_at: 1700000000,
      operator: 'admin',
      event_data: {
        resources: [
          {
            digest: `sha256:${'d'.repeat(64)}`,
            tag: 'v2',
            resource_url: 'harbor.example.com/library/nginx:v2',
          },
        ],
        repository: {
          name: 'nginx',
          namespace: 'library',
          repo_full_name: 'library/nginx',
          repo_type: 'public',
        },
      },
    };
    const res = await post(endpoint, payload, { authorization: harbor.secret });
    expect(res.status).toBe(202);
    expect(
      (await post(endpoint, payload, { 'x-regql-webhook-secret': harbor.secret })).status,
    ).toBe(202);
    const logged = (await events('EXTERNAL_PUSH')).filter((e) => e.tag === 'v2');
    expect(logged).toEqual([
      expect.objectContaining({
        registry: 'harbor.example.com',
        repository: 'library/nginx',
        digest: `sha256:${'d'.repeat(64)}`,
      }),
    ]);
  });

  it('imports on a Quay repo_push and logs a Docker Hub push', async () => {
    const quay = await createReceiver('QUAY');
    const first = await pushSyntheticImage(registry.url, 'team/quayish', 'stable');
    await track('quayish', `${registry.host}/team/quayish:stable`);
    const second = await pushSyntheticImage(registry.url, 'team/quayish', 'stable');
    expect(await currentImage('quayish', 'latest')).toBe(first.digest);
    const res = await post(quay.url, {
      repository: 'team/quayish',
      namespace: 'team',
      name: 'quayish',
      docker_url: `${registry.host}/team/quayish`,
      homepage: `https://${registry.host}/repository/team/quayish`,
      updated_tags: ['stable'],
    });
    expect(await res.json()).toEqual({ accepted: 1, duplicates: 0, imports: 1 });
    await eventually(
      async () => (await currentImage('quayish', 'latest')) === second.digest,
      'the import of the Quay push',
    );

    const hub = await createReceiver('DOCKER_HUB');
    const hubRes = await post(hub.url, {
      callback_url: `https://registry.hub.docker.com/u/team/app/hook/${randomUUID()}/`,
      push_data: { pushed_at: 1700000000, pusher: 'someone', tag: 'edge' },
      repository: { repo_name: 'team/app', namespace: 'team', name: 'app', status: 'Active' },
    });
    expect(await hubRes.json()).toEqual({ accepted: 1, duplicates: 0, imports: 0 });
    expect((await events('EXTERNAL_PUSH')).filter((e) => e.tag === 'edge')).toEqual([
      expect.objectContaining({ registry: 'docker.io', repository: 'team/app' }),
    ]);
  });

  it('starts imports within the import rate it shares with the scheduler', async () => {
    const paced = await startTestServer({ env: { REGQL_IMPORT_RATE_PER_MINUTE: '1' } });
    try {
      await paced.gql(AddRegistryDocument, {
        input: { name: 'upstream', kind: 'DISTRIBUTION', url: registry.url },
      });
      const quay = await createReceiver('QUAY', paced);
      const pushed: Record<string, string> = {};
      for (const tag of ['a', 'b']) {
        await pushSyntheticImage(registry.url, 'team/paced', tag);
        await track(`paced-${tag}`, `${registry.host}/team/paced:${tag}`, paced);
        pushed[tag] = (await pushSyntheticImage(registry.url, 'team/paced', tag)).digest;
      }
      const res = await post(quay.url, {
        repository: 'team/paced',
        namespace: 'team',
        name: 'paced',
        docker_url: `${registry.host}/team/paced`,
        updated_tags: ['a', 'b'],
      });
      expect(await res.json()).toEqual({ accepted: 2, duplicates: 0, imports: 2 });
      const moved = async () => {
        const current = await Promise.all(
          ['a', 'b'].map((tag) => currentImage(`paced-${tag}`, 'latest', paced)),
        );
        return current.filter((image, i) => image === pushed[['a', 'b'][i]]).length;
      };
      await eventually(async () => (await moved()) >= 1, 'the first import');
      await new Promise((r) => setTimeout(r, 1500));
      expect(await moved()).toBe(1);
    } finally {
      await paced.close();
    }
  });

  it('counts webhook requests by kind and answer, and the imports they start', async () => {
    const metrics = await metricsText(server.url);
    for (const status of ['202', '401', '400'])
      expect(metrics).toMatch(
        new RegExp(
          `^regql_webhook_requests_total\\{kind="distribution",status="${status}"\\} [1-9]`,
          'm',
        ),
      );
    expect(metrics).toMatch(/^regql_imports_total\{status="SUCCESS",trigger="webhook"\} [1-9]/m);
  });

  it('lets only admins of the namespace create and remove receivers', async () => {
    const editorToken = (
      await server.raw(
        'mutation { createToken(input: { namespace: "team-a", role: EDITOR }) { token } }',
      )
    ).data as { createToken: { token: string } };
    const denied = await server.gql(
      CreateWebhookReceiverDocument,
      { input: { kind: 'QUAY', namespace: 'team-a' } },
      editorToken.createToken.token,
    );
    expect(errorCodes(denied)).toEqual(['FORBIDDEN']);
    const doomed = await createReceiver('QUAY');
    const notTheirs = await server.gql(
      RemoveWebhookReceiverDocument,
      { id: doomed.id },
      editorToken.createToken.token,
    );
    expect(errorCodes(notTheirs)).toEqual(['NOT_FOUND']);
    expect((await server.gql(RemoveWebhookReceiverDocument, { id: doomed.id })).data).toEqual({
      removeWebhookReceiver: true,
    });
    const gone = await post(doomed.url, { repository: 'a/b', updated_tags: ['x'] });
    expect(gone.status).toBe(401);
  });
});
