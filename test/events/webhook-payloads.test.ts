import fc from 'fast-check';
import type { WebhookKind } from '../../plugins';
import {
  WebhookPayloadError,
  type ExternalPush,
} from '../../plugins/webhook-parsing/external-push';
import { pushMatchesPullSpec } from '../../src/events/webhooks/match-push';
import { parseWebhook } from '../../src/events/webhooks/parse-webhook';
import { parseReference } from '../../src/oci/reference';

const EVENTS_V1 = 'application/vnd.docker.distribution.events.v1+json';
const EVENTS_V2 = 'application/vnd.docker.distribution.events.v2+json';
const JSON_TYPE = 'application/json';
const WEEK = 604800;

const manifestDigest = 'sha256:13a809c526300973f5199e62ff60be7e1ce2092b232c51d9121a04ec1464d1df';
const digestA = `sha256:${'a'.repeat(64)}`;
const digestB = `sha256:${'b'.repeat(64)}`;

const source = { addr: 'vm:5000', instanceID: 'd7c49b22-c134-4292-8c86-222b142e1286' };
const request = (id: string, addr: string, method: string) => ({
  id,
  addr,
  host: '127.0.0.1:5000',
  method,
  useragent: 'curl/7.88.1',
});

/** What docker-registry 2.8.2 sent for a blob upload, a tagged manifest PUT and a manifest GET. */
const blobPush = {
  id: 'b0673535-e2dd-46b3-a791-f0a8b5ce80d5',
  timestamp: '2026-11-27T11:03:14.520715005Z',
  action: 'push',
  target: {
    mediaType: 'application/octet-stream',
    size: 78,
    digest: 'sha256:c5b1d63604f273462ef36fadac3182d43ae6a6138731cf594b314835cf1c034f',
    length: 78,
    repository: 'team/app',
    url: 'http://127.0.0.1:5000/v2/team/app/blobs/sha256:c5b1d63604f273462ef36fadac3182d43ae6a6138731cf594b314835cf1c034f',
  },
  request: request('cee09114-bb2e-480f-a365-f033501c025b', '127.0.0.1:34402', 'PUT'),
  actor: {},
  source,
};
const manifestPush = {
  id: '42db18e0-19a4-4b1f-9834-b387be4eb2dc',
  timestamp: '2026-11-27T11:03:14.532716752Z',
  action: 'push',
  target: {
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    size: 395,
    digest: manifestDigest,
    length: 395,
    repository: 'team/app',
    url: `http://127.0.0.1:5000/v2/team/app/manifests/${manifestDigest}`,
    tag: 'v1',
  },
  request: request('606b9379-82f3-4525-aeb0-f0f87e1c864f', '127.0.0.1:34412', 'PUT'),
  actor: {},
  source,
};
const manifestPull = {
  ...manifestPush,
  id: '02863dd1-b78a-44fe-97a4-687515d8a4e2',
  timestamp: '2026-11-27T11:03:14.540792625Z',
  action: 'pull',
  request: request('cc7be653-8c4f-470c-b07c-0628d95eff57', '127.0.0.1:34424', 'GET'),
};

const quayRepoPush = {
  name: 'repository',
  repository: 'dgangaia/test',
  namespace: 'dgangaia',
  docker_url: 'quay.io/dgangaia/test',
  homepage: 'https://quay.io/repository/dgangaia/repository',
  updated_tags: ['latest'],
};

const dockerHubWebhook = {
  callback_url:
    'https://registry.hub.docker.com/u/svendowideit/testhook/hook/2141b5bi5i5b02bec211i4eeih0242eg11000a/',
  push_data: { pushed_at: 1417566161, pusher: 'trustedbuilder', tag: 'latest' },
  repository: {
    comment_count: 0,
    date_created: 1417494799,
    description: '',
    dockerfile: '#\n# BUILD\t\tdocker build -t svendowideit/apt-cacher .\nFROM\t\tubuntu\n',
    full_description: 'Docker Hub based automated build from a GitHub repo',
    is_official: false,
    is_private: true,
    is_trusted: true,
    name: 'testhook',
    namespace: 'svendowideit',
    owner: 'svendowideit',
    repo_name: 'svendowideit/testhook',
    repo_url: 'https://registry.hub.docker.com/u/svendowideit/testhook/',
    star_count: 0,
    status: 'Active',
  },
};

const harborDigest = 'sha256:8a9e9863dbb6e10edb5adfe917c00da84e1700fa76e7ed02476aa6e6fb8ee0d8';
const harborPushArtifact = {
  type: 'PUSH_ARTIFACT',
  occur_at: 1586922308,
  operator: 'admin',
  event_data: {
    resources: [
      {
        digest: harborDigest,
        tag: 'latest',
        resource_url: 'hub.harbor.com/test-webhook/debian:latest',
      },
    ],
    repository: {
      date_created: 1586922308,
      name: 'debian',
      namespace: 'test-webhook',
      repo_full_name: 'test-webhook/debian',
      repo_type: 'private',
    },
  },
};

const bytes = (payload: unknown): Buffer => Buffer.from(JSON.stringify(payload));
const parse = (kind: WebhookKind, payload: unknown, contentType = JSON_TYPE) =>
  parseWebhook(kind, contentType, bytes(payload));
const withResource = (resource: object) => ({
  ...harborPushArtifact,
  event_data: { ...harborPushArtifact.event_data, resources: [resource] },
});

describe('distribution notifications', () => {
  it('turns the tagged manifest push of an envelope into one push, skipping blob pushes and pulls', () => {
    const envelope = { events: [blobPush, manifestPush, manifestPull] };
    expect(parse('DISTRIBUTION', envelope, EVENTS_V1)).toEqual([
      {
        registryHost: '127.0.0.1:5000',
        repository: 'team/app',
        tag: 'v1',
        digest: manifestDigest,
        occurredAt: '2026-11-27T11:03:14.532Z',
        dedupeKey: 'distribution:42db18e0-19a4-4b1f-9834-b387be4eb2dc',
        dedupeWindowSeconds: WEEK,
      },
    ]);
  });

  it('gives no pushes for an envelope of pulls, deletes and mounts', () => {
    const deletion = { ...manifestPush, action: 'delete', target: { repository: 'team/app' } };
    const mount = { ...blobPush, action: 'mount' };
    expect(parse('DISTRIBUTION', { events: [manifestPull, deletion, mount] }, EVENTS_V1)).toEqual(
      [],
    );
    expect(parse('DISTRIBUTION', { events: [] }, EVENTS_V1)).toEqual([]);
  });

  it('accepts the v2 media type and application/json, ignoring parameters', () => {
    const envelope = { events: [manifestPush] };
    for (const type of [`${EVENTS_V2}; charset=utf-8`, 'Application/JSON']) {
      expect(parse('DISTRIBUTION', envelope, type)).toHaveLength(1);
    }
  });

  it('takes the host from target.url without a request, and normalizes Docker Hub aliases', () => {
    const withoutRequest = { ...manifestPush, request: undefined };
    expect(parse('DISTRIBUTION', { events: [withoutRequest] })[0].registryHost).toBe(
      '127.0.0.1:5000',
    );
    const mirrored = {
      ...manifestPush,
      target: { ...manifestPush.target, repository: 'nginx', tag: '1.27' },
      request: { ...manifestPush.request, host: 'registry-1.docker.io' },
    };
    expect(parse('DISTRIBUTION', { events: [mirrored] })[0]).toMatchObject({
      registryHost: 'docker.io',
      repository: 'library/nginx',
      tag: '1.27',
    });
  });

  it('reports an untagged push of an index by digest', () => {
    const index = {
      ...manifestPush,
      target: {
        ...manifestPush.target,
        mediaType: 'application/vnd.oci.image.index.v1+json',
        tag: undefined,
      },
    };
    expect(parse('DISTRIBUTION', { events: [index] })[0]).toMatchObject({
      tag: null,
      digest: manifestDigest,
    });
  });
});

describe('Quay repo_push', () => {
  it('turns the documented payload into a push of quay.io/dgangaia/test:latest', () => {
    const [push] = parse('QUAY', quayRepoPush);
    expect(push).toEqual({
      registryHost: 'quay.io',
      repository: 'dgangaia/test',
      tag: 'latest',
      digest: null,
      occurredAt: null,
      dedupeKey: expect.stringMatching(/^quay:sha256:[a-f0-9]{64}$/),
      dedupeWindowSeconds: 300,
    });
    expect(parse('QUAY', quayRepoPush)[0].dedupeKey).toBe(push.dedupeKey);
  });

  it('gives one push per updated tag, each with its own key', () => {
    const pushes = parse('QUAY', {
      ...quayRepoPush,
      docker_url: 'registry.example.com:8443/dgangaia/test',
      updated_tags: ['latest', 'v2'],
    });
    expect(pushes.map((p) => [p.registryHost, p.tag])).toEqual([
      ['registry.example.com:8443', 'latest'],
      ['registry.example.com:8443', 'v2'],
    ]);
    expect(pushes[0].dedupeKey).not.toBe(pushes[1].dedupeKey);
  });
});

describe('Docker Hub webhook', () => {
  it('turns the documented payload into a push of docker.io/svendowideit/testhook:latest', () => {
    expect(parse('DOCKER_HUB', dockerHubWebhook)).toEqual([
      {
        registryHost: 'docker.io',
        repository: 'svendowideit/testhook',
        tag: 'latest',
        digest: null,
        occurredAt: '2014-12-03T00:22:41.000Z',
        dedupeKey: `docker-hub:${dockerHubWebhook.callback_url}`,
        dedupeWindowSeconds: WEEK,
      },
    ]);
  });

  it('puts official images under library/', () => {
    const official = { ...dockerHubWebhook, repository: { repo_name: 'nginx' } };
    expect(parse('DOCKER_HUB', official)[0].repository).toBe('library/nginx');
  });
});

describe('Harbor webhook', () => {
  it('turns the documented PUSH_ARTIFACT into a push of hub.harbor.com/test-webhook/debian:latest', () => {
    expect(parse('HARBOR', harborPushArtifact)).toEqual([
      {
        registryHost: 'hub.harbor.com',
        repository: 'test-webhook/debian',
        tag: 'latest',
        digest: harborDigest,
        occurredAt: '2020-04-15T03:45:08.000Z',
        dedupeKey: `harbor:1586922308|${harborDigest}|hub.harbor.com/test-webhook/debian:latest`,
        dedupeWindowSeconds: WEEK,
      },
    ]);
  });

  it('reads an untagged push, where Harbor repeats the digest as the tag', () => {
    const byDigest = withResource({
      digest: harborDigest,
      tag: harborDigest,
      resource_url: `harbor.example.com/test-webhook/debian@${harborDigest}`,
    });
    expect(parse('HARBOR', byDigest)[0]).toMatchObject({
      registryHost: 'harbor.example.com',
      tag: null,
      digest: harborDigest,
    });
  });

  it('falls back to repo_full_name, without a host, when there is no resource_url', () => {
    expect(parse('HARBOR', withResource({ digest: harborDigest, tag: 'latest' }))[0]).toMatchObject(
      { registryHost: null, repository: 'test-webhook/debian', tag: 'latest' },
    );
  });

  it('gives no pushes for other event types', () => {
    expect(parse('HARBOR', { ...harborPushArtifact, type: 'PULL_ARTIFACT' })).toEqual([]);
    expect(parse('HARBOR', { type: 'SCANNING_COMPLETED', occur_at: 'whenever' })).toEqual([]);
  });
});

describe('bad webhook deliveries', () => {
  const event = (changes: object, target: object = {}) => ({
    events: [{ ...manifestPush, ...changes, target: { ...manifestPush.target, ...target } }],
  });
  const cases: [string, WebhookKind, string | undefined, Buffer, RegExp][] = [
    [
      'no content type',
      'DISTRIBUTION',
      undefined,
      bytes({ events: [] }),
      /Content-Type is missing/,
    ],
    ['text/plain', 'DISTRIBUTION', 'text/plain', bytes({ events: [] }), /"text\/plain" is not/],
    ['events media type to Quay', 'QUAY', EVENTS_V1, bytes(quayRepoPush), /QUAY webhooks are/],
    ['invalid UTF-8', 'QUAY', JSON_TYPE, Buffer.from([0x7b, 0xff, 0x7d]), /not valid UTF-8/],
    ['invalid JSON', 'HARBOR', JSON_TYPE, Buffer.from('{"type":'), /not valid JSON/],
    ['a JSON array', 'DOCKER_HUB', JSON_TYPE, bytes([]), /^body: .*expected object/],
    ['events not a list', 'DISTRIBUTION', EVENTS_V1, bytes({ events: {} }), /^events: /],
    [
      'too many events',
      'DISTRIBUTION',
      EVENTS_V1,
      bytes({ events: Array.from({ length: 101 }, () => manifestPull) }),
      /^events: must have at most 100 entries/,
    ],
    [
      'event without action',
      'DISTRIBUTION',
      EVENTS_V1,
      bytes({ events: [{}] }),
      /events\[0\]\.action/,
    ],
    [
      'push without id',
      'DISTRIBUTION',
      EVENTS_V1,
      bytes(event({ id: undefined })),
      /^events\[0\]\.id: /,
    ],
    [
      'short digest',
      'DISTRIBUTION',
      EVENTS_V1,
      bytes(event({}, { digest: 'sha256:abc' })),
      /events\[0\]\.target\.digest: sha256 digest must be 64 lower-case hex/,
    ],
    [
      'upper-case repository',
      'DISTRIBUTION',
      EVENTS_V1,
      bytes(event({}, { repository: 'Team/App' })),
      /events\[0\]\.target: .*repository component "Team"/,
    ],
    [
      'bad tag',
      'DISTRIBUTION',
      EVENTS_V1,
      bytes(event({}, { tag: 'v1!' })),
      /events\[0\]\.target: .*tag must match/,
    ],
    [
      'bad timestamp',
      'DISTRIBUTION',
      EVENTS_V1,
      bytes(event({ timestamp: 'yesterday' })),
      /events\[0\]\.timestamp/,
    ],
    [
      'unaddressable host',
      'DISTRIBUTION',
      EVENTS_V1,
      bytes(event({ request: { host: 'registry' } })),
      /registry host "registry" is not a host\[:port\]/,
    ],
    [
      'repository smuggled into the host',
      'DISTRIBUTION',
      EVENTS_V1,
      bytes(event({ request: { host: 'evil.example.com/x' } })),
      /registry host "evil\.example\.com\/x"/,
    ],
    [
      'non-http target url',
      'DISTRIBUTION',
      EVENTS_V1,
      bytes(event({ request: undefined }, { url: 'javascript:alert(1)' })),
      /events\[0\]\.target\.url/,
    ],
    [
      'Quay without updated_tags',
      'QUAY',
      JSON_TYPE,
      bytes({ repository: 'ns/repo' }),
      /^updated_tags: /,
    ],
    [
      'Quay tag carrying a digest',
      'QUAY',
      JSON_TYPE,
      bytes({ ...quayRepoPush, updated_tags: [`latest@${digestA}`] }),
      /^updated_tags\[0\]: .*each in their own field/,
    ],
    [
      'Quay repository with a colon',
      'QUAY',
      JSON_TYPE,
      bytes({ ...quayRepoPush, repository: 'ns/repo:x' }),
      /^updated_tags\[0\]: invalid image reference/,
    ],
    [
      'Docker Hub without callback_url',
      'DOCKER_HUB',
      JSON_TYPE,
      bytes({ ...dockerHubWebhook, callback_url: undefined }),
      /^callback_url: /,
    ],
    [
      'Docker Hub pushed_at as text',
      'DOCKER_HUB',
      JSON_TYPE,
      bytes({ ...dockerHubWebhook, push_data: { tag: 'latest', pushed_at: 'now' } }),
      /^push_data\.pushed_at: /,
    ],
    [
      'Docker Hub empty tag',
      'DOCKER_HUB',
      JSON_TYPE,
      bytes({ ...dockerHubWebhook, push_data: { tag: '' } }),
      /tag must match/,
    ],
    [
      'Harbor without occur_at',
      'HARBOR',
      JSON_TYPE,
      bytes({ ...harborPushArtifact, occur_at: undefined }),
      /^occur_at: /,
    ],
    [
      'Harbor resource_url without a path',
      'HARBOR',
      JSON_TYPE,
      bytes(withResource({ digest: harborDigest, resource_url: 'hub.harbor.com' })),
      /event_data\.resources\[0\]\.resource_url: must be host\/project\/repository:tag/,
    ],
    [
      'Harbor resource without any repository',
      'HARBOR',
      JSON_TYPE,
      bytes({ ...harborPushArtifact, event_data: { resources: [{ digest: harborDigest }] } }),
      /event_data\.resources\[0\]: needs resource_url, or event_data\.repository\.repo_full_name/,
    ],
    [
      'Harbor bad digest',
      'HARBOR',
      JSON_TYPE,
      bytes(withResource({ digest: 'not-a-digest', resource_url: 'h.example/p/r:t' })),
      /event_data\.resources\[0\]\.digest: digest must be algorithm:hex/,
    ],
  ];

  it.each(cases)('rejects %s', (_name, kind, contentType, body, reason) => {
    let error: unknown;
    try {
      parseWebhook(kind, contentType, body);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(WebhookPayloadError);
    expect((error as Error).message).toMatch(reason);
  });
});

describe('pushMatchesPullSpec', () => {
  /** `*\/` stands for a push whose payload named no host. */
  const pushOf = (pushed: string): ExternalPush => {
    const hostless = pushed.startsWith('*/');
    const ref = parseReference(hostless ? `localhost/${pushed.slice(2)}` : pushed);
    return {
      registryHost: hostless ? null : ref.registry,
      repository: ref.repository,
      tag: ref.tag ?? null,
      digest: ref.digest ?? null,
      occurredAt: null,
      dedupeKey: 'k',
      dedupeWindowSeconds: 300,
    };
  };

  it.each([
    ['nginx:1.27', 'docker.io/library/nginx:1.27', true],
    ['docker.io/library/nginx:1.27', 'docker.io/library/nginx:1.27', true],
    ['index.docker.io/library/nginx:1.27', 'docker.io/library/nginx:1.27', true],
    ['nginx:1.26', 'docker.io/library/nginx:1.27', false],
    ['nginx', 'docker.io/library/nginx:1.27', false],
    ['nginx', 'docker.io/library/nginx:latest', true],
    ['quay.io/library/nginx:1.27', 'docker.io/library/nginx:1.27', false],
    ['quay.io/ns/repo', 'quay.io/ns/repo:latest', true],
    ['Quay.IO/ns/repo:latest', 'quay.io/ns/repo:latest', true],
    ['quay.io/ns/repo', 'quay.io/ns/repo:v2', false],
    ['quay.io/ns/other:latest', 'quay.io/ns/repo:latest', false],
    ['127.0.0.1:5000/team/app:v1', '127.0.0.1:5000/team/app:v1', true],
    ['127.0.0.1:5001/team/app:v1', '127.0.0.1:5000/team/app:v1', false],
    ['localhost:5000/team/app:v1', '127.0.0.1:5000/team/app:v1', false],
    [`127.0.0.1:5000/team/app@${digestA}`, `127.0.0.1:5000/team/app:v1@${digestA}`, true],
    [`127.0.0.1:5000/team/app:v9@${digestA}`, `127.0.0.1:5000/team/app:v1@${digestA}`, true],
    [`127.0.0.1:5000/team/app@${digestB}`, `127.0.0.1:5000/team/app:v1@${digestA}`, false],
    [`127.0.0.1:5000/team/app@${digestA}`, '127.0.0.1:5000/team/app:v1', false],
    ['harbor.example.com/proj/repo:v1', '*/proj/repo:v1', true],
    ['proj/repo:v2', '*/proj/repo:v1', false],
    ['not a pull spec', 'quay.io/ns/repo:latest', false],
  ])('%s against a push of %s is %s', (pullSpec, pushed, expected) => {
    expect(pushMatchesPullSpec(pushOf(pushed), pullSpec)).toBe(expected);
  });

  it('matches the documented deliveries against the pull specs that name them', () => {
    expect(pushMatchesPullSpec(parse('QUAY', quayRepoPush)[0], 'quay.io/dgangaia/test')).toBe(true);
    expect(
      pushMatchesPullSpec(parse('DOCKER_HUB', dockerHubWebhook)[0], 'svendowideit/testhook'),
    ).toBe(true);
    expect(
      pushMatchesPullSpec(
        parse('DISTRIBUTION', { events: [manifestPush] }, EVENTS_V1)[0],
        '127.0.0.1:5000/team/app:v1',
      ),
    ).toBe(true);
  });
});

describe('parseWebhook on arbitrary input', () => {
  const kinds: WebhookKind[] = ['DISTRIBUTION', 'QUAY', 'DOCKER_HUB', 'HARBOR'];
  const kind = fc.constantFrom(...kinds);
  const junk = fc.oneof(
    fc.string(),
    fc.integer(),
    fc.constantFrom(
      undefined,
      null,
      [],
      '',
      'sha256:abc',
      'Host.Example',
      'a@b:c',
      'x'.repeat(300),
    ),
  );
  const valueLike = <T>(...valid: T[]) =>
    fc.oneof({ arbitrary: fc.constantFrom(...valid), weight: 6 }, { arbitrary: junk, weight: 1 });
  const listOf = <T>(item: fc.Arbitrary<T>) => fc.array(item, { minLength: 1, maxLength: 3 });
  const distributionLike = fc.record({
    events: listOf(
      fc.record({
        id: valueLike(manifestPush.id, blobPush.id),
        timestamp: valueLike(manifestPush.timestamp, '2016-03-09T14:44:26.402973972-08:00'),
        action: valueLike('push', 'pull', 'mount', 'delete'),
        target: fc.record({
          mediaType: valueLike(manifestPush.target.mediaType, blobPush.target.mediaType),
          digest: valueLike(manifestDigest),
          repository: valueLike('team/app', 'nginx', 'a.b/c'),
          url: valueLike(manifestPush.target.url, 'https://[::1]:5000/v2/x/manifests/v1'),
          tag: valueLike('v1', undefined),
        }),
        request: valueLike({ host: '127.0.0.1:5000' }, { host: 'Index.Docker.IO' }, undefined),
      }),
    ),
  });
  const quayLike = fc.record({
    repository: valueLike('ns/repo', 'nginx'),
    docker_url: valueLike('quay.io/ns/repo', 'quay.example.com:8443/ns/repo', undefined),
    updated_tags: listOf(valueLike('latest', 'v1.2')),
  });
  const dockerHubLike = fc.record({
    callback_url: valueLike(dockerHubWebhook.callback_url),
    push_data: fc.record({ tag: valueLike('latest'), pushed_at: valueLike(1417566161, 1.5e9) }),
    repository: fc.record({ repo_name: valueLike('nginx', 'svendowideit/testhook') }),
  });
  const harborLike = fc.record({
    type: valueLike('PUSH_ARTIFACT', 'PULL_ARTIFACT'),
    occur_at: valueLike(1586922308),
    event_data: fc.record({
      resources: listOf(
        fc.record({
          digest: valueLike(harborDigest, undefined),
          tag: valueLike('latest', harborDigest, undefined),
          resource_url: valueLike('harbor.example.com/p/r:latest', `h.example/p/r@${harborDigest}`),
        }),
      ),
      repository: valueLike({ repo_full_name: 'p/r' }, undefined),
    }),
  });
  const deliveryLike = fc.oneof(
    fc.tuple(fc.constant<WebhookKind>('DISTRIBUTION'), distributionLike),
    fc.tuple(fc.constant<WebhookKind>('QUAY'), quayLike),
    fc.tuple(fc.constant<WebhookKind>('DOCKER_HUB'), dockerHubLike),
    fc.tuple(fc.constant<WebhookKind>('HARBOR'), harborLike),
  );
  const contentType = fc.constantFrom(EVENTS_V1, EVENTS_V2, JSON_TYPE, 'text/plain', undefined);

  const outcome = (k: WebhookKind, type: string | undefined, body: Buffer) => {
    try {
      return parseWebhook(k, type, body);
    } catch (err) {
      if (err instanceof WebhookPayloadError && err.message.length > 0) return err;
      throw err;
    }
  };

  it('throws nothing but WebhookPayloadError on arbitrary bytes', () => {
    fc.assert(
      fc.property(kind, contentType, fc.uint8Array({ maxLength: 512 }), (k, type, body) => {
        outcome(k, type, Buffer.from(body));
      }),
    );
  });

  it('throws nothing but WebhookPayloadError on arbitrary JSON', () => {
    fc.assert(
      fc.property(kind, fc.jsonValue(), (k, value) => {
        outcome(k, JSON_TYPE, bytes(value));
      }),
    );
  });

  it('throws nothing but WebhookPayloadError on payload-like JSON, and every push names itself', () => {
    let accepted = 0;
    fc.assert(
      fc.property(deliveryLike, ([k, payload]) => {
        const result = outcome(k, JSON_TYPE, bytes(payload));
        if (result instanceof WebhookPayloadError) return;
        accepted += result.length;
        for (const pushed of result) {
          expect(pushed.dedupeKey.length).toBeGreaterThan(0);
          const tagged = pushed.tag === null ? '' : `:${pushed.tag}`;
          const pinned = pushed.digest === null ? '' : `@${pushed.digest}`;
          const host = pushed.registryHost ?? 'any.example';
          const spec = `${host}/${pushed.repository}${tagged}${pinned}`;
          expect(pushMatchesPullSpec(pushed, spec)).toBe(pushed.tag !== null || pinned !== '');
        }
      }),
      { numRuns: 500 },
    );
    expect(accepted).toBeGreaterThan(0);
  });
});
