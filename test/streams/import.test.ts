import {
  AddCredentialDocument,
  DeleteCredentialDocument,
  GrantPullDocument,
  ImportImageFullDocument,
  RollbackTagDocument,
  StreamTagDocument,
  TagImageDocument,
  type ImportImageFullMutationVariables,
} from '../generated/graphql';
import { basicAuth } from '../helpers/basic-auth';
import { registriesConfigFile } from '../helpers/config-file';
import { startDockerRegistry, type DockerRegistry } from '../helpers/docker-registry';
import { eventually, recordEvents } from '../helpers/events';
import { buildImage, buildIndex, skopeoCopy } from '../helpers/images';
import { errorCodes, startTestServer, type TestServer } from '../helpers/server';
import { pushSyntheticImage } from '../helpers/synthetic-images';

const auth = { username: 'puller', password: 'import-pass-31337' };
const basic = basicAuth(auth.username, auth.password);

describe('image streams: import, schedule, tag, roll back', () => {
  let registry: DockerRegistry;
  let server: TestServer;
  let recorder: ReturnType<typeof recordEvents>;
  let host: string;

  const importImage = (input: ImportImageFullMutationVariables['input']) =>
    server.gql(ImportImageFullDocument, { input });
  const addCredential = (password = auth.password) =>
    server.gql(AddCredentialDocument, {
      input: { namespace: 'team-a', registryHost: host, username: auth.username, password },
    });
  const streamTag = async (name: string, tag: string, namespace = 'team-a') =>
    (await server.gql(StreamTagDocument, { namespace, name, tag })).data!.imageStream!.tag!;
  const pushWithSkopeo = async (repository: string, tag: string) => {
    const image = await buildImage({ marker: `${repository}:${tag}:${Math.random()}` });
    await skopeoCopy(
      `oci:${image.layout}:${image.tag}`,
      `docker://${registry.host}/${repository}:${tag}`,
      { destCreds: auth },
    );
    return image.descriptor.digest;
  };

  beforeAll(async () => {
    registry = await startDockerRegistry({ auth });
    host = registry.host;
    const configFile = registriesConfigFile([
      { name: 'upstream', kind: 'DISTRIBUTION', url: registry.url },
    ]);
    server = await startTestServer({
      configFile,
      env: {
        REGQL_IMPORT_INTERVAL_SECONDS: '1',
        REGQL_IMPORT_JITTER: '0',
        REGQL_UPSTREAM_RETRY_BASE_MS: '5',
        REGQL_TAG_CACHE_SECONDS: '60',
      },
    });
    await addCredential();
    recorder = recordEvents(server.app.services);
  }, 60000);
  afterAll(async () => {
    await recorder?.stop();
    await server?.close();
    await registry?.stop();
  });

  it('needs confirm to create a stream, then imports one tag with history, condition and events', async () => {
    const digest = await pushWithSkopeo('team/app', 'v1');
    const refused = await importImage({
      namespace: 'team-a',
      stream: 'app',
      from: `${host}/team/app:v1`,
    });
    expect(errorCodes(refused)).toEqual(['NOT_FOUND']);
    expect(refused.errors![0].message).toMatch(/confirm/);

    const res = await importImage({
      namespace: 'team-a',
      stream: 'app',
      from: `${host}/team/app:v1`,
      tag: 'latest',
      confirm: true,
    });
    expect(res.errors).toBeUndefined();
    expect(res.data!.importImage.images).toEqual([
      {
        tag: 'latest',
        status: 'SUCCESS',
        reason: null,
        message: null,
        image: expect.objectContaining({ digest, architecture: 'amd64' }),
      },
    ]);
    const tag = await streamTag('app', 'latest');
    expect(tag.from).toEqual({ kind: 'DOCKER_IMAGE', name: `${host}/team/app:v1` });
    expect(tag.current).toMatchObject({
      image: digest,
      dockerImageReference: `${host}/team/app@${digest}`,
    });
    expect(tag.conditions).toEqual([
      { type: 'ImportSuccess', status: 'True', reason: null, message: null },
    ]);
    expect(tag.items.edges).toHaveLength(1);
    expect(tag.pullSpec).toBe(`${host}/team/app@${digest}`);
    expect(tag.image).toMatchObject({ digest, architecture: 'amd64' });
    const mine = recorder.events.filter((e) => e.stream === 'app' && e.tag === 'latest');
    expect(mine.map((e) => [e.type, e.digest, e.previousDigest])).toEqual([
      ['IMAGE_IMPORTED', digest, null],
      ['TAG_UPDATED', digest, null],
    ]);
  });

  it('re-imports an unchanged tag as UNCHANGED, with no new history entry and no event', async () => {
    const before = recorder.events.length;
    const res = await importImage({ namespace: 'team-a', stream: 'app', tag: 'latest' });
    expect(res.data!.importImage.images.map((i) => i.status)).toEqual(['UNCHANGED']);
    expect((await streamTag('app', 'latest')).items.edges).toHaveLength(1);
    expect(recorder.events.length).toBe(before);
  });

  it('picks up a new upstream image on schedule, with history and TAG_UPDATED', async () => {
    const first = await pushWithSkopeo('team/web', 'stable');
    const res = await importImage({
      namespace: 'team-a',
      stream: 'web',
      from: `${host}/team/web:stable`,
      scheduled: true,
      confirm: true,
    });
    expect(res.data!.importImage.images[0].status).toBe('SUCCESS');
    const second = await pushWithSkopeo('team/web', 'stable');
    await eventually(
      async () => (await streamTag('web', 'stable')).current?.image === second,
      'the scheduled import',
    );
    const tag = await streamTag('web', 'stable');
    expect(tag.importPolicy.scheduled).toBe(true);
    expect(tag.items.edges.map((e) => e.node.image)).toEqual([second, first]);
    // The feed hands the event on after its commit, so it may arrive after the stream shows it.
    await eventually(
      () => recorder.events.some((e) => e.type === 'TAG_UPDATED' && e.digest === second),
      'the TAG_UPDATED event',
    );
    expect(recorder.events).toContainEqual(
      expect.objectContaining({
        type: 'TAG_UPDATED',
        stream: 'web',
        tag: 'stable',
        digest: second,
        previousDigest: first,
      }),
    );
  });

  it('rolls back to an earlier entry and undoes the rollback, each as a new entry, and the schedule keeps it', async () => {
    const [newer, older] = (await streamTag('web', 'stable')).items.edges.map((e) => e.node.image);
    const back = await server.gql(RollbackTagDocument, {
      input: { namespace: 'team-a', stream: 'web', tag: 'stable', position: 1 },
    });
    expect(back.data!.rollbackTag.current!.image).toBe(older);
    expect(back.data!.rollbackTag.items.edges.map((e) => e.node.image)).toEqual([
      older,
      newer,
      older,
    ]);
    await new Promise((r) => setTimeout(r, 2500));
    expect((await streamTag('web', 'stable')).current!.image).toBe(older);
    const undo = await server.gql(RollbackTagDocument, {
      input: { namespace: 'team-a', stream: 'web', tag: 'stable', digest: newer },
    });
    expect(undo.data!.rollbackTag.current!.image).toBe(newer);
    expect(recorder.events).toContainEqual(
      expect.objectContaining({
        type: 'TAG_UPDATED',
        stream: 'web',
        digest: older,
        previousDigest: newer,
      }),
    );
    const same = await server.gql(RollbackTagDocument, {
      input: { namespace: 'team-a', stream: 'web', tag: 'stable', digest: newer },
    });
    expect(errorCodes(same)).toEqual(['BAD_USER_INPUT']);
    const both = await server.gql(RollbackTagDocument, {
      input: { namespace: 'team-a', stream: 'web', tag: 'stable', digest: newer, position: 1 },
    });
    expect(errorCodes(both)).toEqual(['BAD_USER_INPUT']);
  });

  it('tags like oc tag: an alias follows its source, a snapshot and a digest pin do not', async () => {
    const alias = await server.gql(TagImageDocument, {
      input: { source: 'team-a/app:latest', destination: 'team-a/app:follow', alias: true },
    });
    expect(alias.data!.tagImage).toMatchObject({
      from: { kind: 'IMAGE_STREAM_TAG', name: 'team-a/app:latest' },
    });
    const refused = await server.gql(TagImageDocument, {
      input: { source: 'team-a/app:latest', destination: 'team-b/copy:snap' },
    });
    expect(errorCodes(refused)).toEqual(['FORBIDDEN']);
    await server.gql(GrantPullDocument, { input: { namespace: 'team-b', from: 'team-a' } });
    const snapshot = await server.gql(TagImageDocument, {
      input: { source: 'team-a/app:latest', destination: 'team-b/copy:snap' },
    });
    const original = snapshot.data!.tagImage!.current!.image;
    expect(snapshot.data!.tagImage!.from).toEqual({
      kind: 'IMAGE_STREAM_IMAGE',
      name: `team-a/app@${original}`,
    });
    const pin = await server.gql(TagImageDocument, {
      input: { source: `team-a/app@${original}`, destination: 'team-a/app:pinned' },
    });
    expect(pin.data!.tagImage!.current!.image).toBe(original);

    const next = await pushWithSkopeo('team/app', 'v2');
    await importImage({
      namespace: 'team-a',
      stream: 'app',
      from: `${host}/team/app:v2`,
      tag: 'latest',
    });
    await eventually(
      async () => (await streamTag('app', 'follow')).current?.image === next,
      'the alias to follow',
    );
    expect((await streamTag('copy', 'snap', 'team-b')).current!.image).toBe(original);
    expect((await streamTag('app', 'pinned')).current!.image).toBe(original);
    expect(recorder.events).toContainEqual(
      expect.objectContaining({ type: 'TAG_UPDATED', stream: 'app', tag: 'follow', digest: next }),
    );

    const removed = await server.gql(TagImageDocument, {
      input: { destination: 'team-a/app:pinned', delete: true },
    });
    expect(removed.data!.tagImage).toBeNull();
    const gone = await server.gql(StreamTagDocument, {
      namespace: 'team-a',
      name: 'app',
      tag: 'pinned',
    });
    expect(gone.data!.imageStream!.tag).toBeNull();
  });

  it('uses the vault: a wrong credential fails as Unauthorized, keeps the image, and a later success clears it', async () => {
    const list = await server.raw('{ credentials(namespace: "team-a") { id } }');
    const id = (list.data as { credentials: { id: string }[] }).credentials[0].id;
    await server.gql(DeleteCredentialDocument, { id });
    const wrong = await addCredential('nope');
    const current = (await streamTag('app', 'latest')).current!.image;
    await pushWithSkopeo('team/app', 'v1');
    const failed = await importImage({
      namespace: 'team-a',
      stream: 'app',
      tag: 'latest',
      from: `${host}/team/app:v1`,
    });
    expect(failed.data!.importImage.images).toEqual([
      expect.objectContaining({ status: 'FAILED', reason: 'Unauthorized', image: null }),
    ]);
    const tag = await streamTag('app', 'latest');
    expect(tag.current!.image).toBe(current);
    expect(tag.conditions).toEqual([
      expect.objectContaining({ status: 'False', reason: 'Unauthorized' }),
    ]);
    expect(recorder.events).toContainEqual(
      expect.objectContaining({ type: 'IMPORT_FAILED', stream: 'app', tag: 'latest' }),
    );

    await server.gql(DeleteCredentialDocument, { id: wrong.data!.addCredential.id });
    await addCredential();
    const ok = await importImage({
      namespace: 'team-a',
      stream: 'app',
      tag: 'latest',
      from: `${host}/team/app:v1`,
    });
    expect(ok.data!.importImage.images[0].status).toBe('SUCCESS');
    expect((await streamTag('app', 'latest')).conditions).toEqual([
      expect.objectContaining({ status: 'True', reason: null }),
    ]);
  });

  it('imports a multi-platform index in both modes, and the stream platform chooses for LEGACY', async () => {
    const index = await buildIndex(['amd64', 'arm64']);
    await skopeoCopy(`oci:${index.layout}:multi`, `docker://${host}/team/multi:1.0`, {
      all: true,
      destCreds: auth,
    });
    const [amd64, arm64] = index.platforms.map((p) => p.digest);
    const legacy = await importImage({
      namespace: 'team-a',
      stream: 'multi',
      from: `${host}/team/multi:1.0`,
      tag: 'legacy',
      confirm: true,
    });
    expect(legacy.data!.importImage.images[0].image).toMatchObject({
      digest: amd64,
      architecture: 'amd64',
      manifests: null,
    });
    const preserved = await importImage({
      namespace: 'team-a',
      stream: 'multi',
      from: `${host}/team/multi:1.0`,
      tag: 'all',
      importMode: 'PRESERVE_ORIGINAL',
    });
    expect(preserved.data!.importImage.images[0].image).toMatchObject({
      digest: index.descriptor.digest,
      mediaType: 'application/vnd.oci.image.index.v1+json',
      manifests: [
        { digest: amd64, architecture: 'amd64' },
        { digest: arm64, architecture: 'arm64' },
      ],
    });
    const tag = await streamTag('multi', 'all');
    expect(tag.importPolicy.importMode).toBe('PRESERVE_ORIGINAL');
    expect(tag.image!.manifests!.map((m) => m.architecture)).toEqual(['amd64', 'arm64']);
    await server.raw(
      'mutation { createImageStream(input: { namespace: "team-a", name: "arm", platform: "linux/arm64" }) { name } }',
    );
    const arm = await importImage({
      namespace: 'team-a',
      stream: 'arm',
      from: `${host}/team/multi:1.0`,
    });
    expect(arm.data!.importImage.images[0].image!.digest).toBe(arm64);
  });

  it('imports a whole repository up to the cap, reports what it left, filters by regex or semver', async () => {
    const tags = [
      'latest',
      'dev',
      ...Array.from({ length: 60 }, (_, i) => `v1.${i}.0`),
      'v2.0.0',
      'v2.1.0',
    ];
    for (const tag of tags)
      await pushSyntheticImage(registry.url, 'team/many', tag, {
        authorization: basic,
        labels: { tag },
      });
    const capped = await importImage({
      namespace: 'team-a',
      stream: 'many',
      from: `${host}/team/many`,
      all: true,
      confirm: true,
    });
    const imported = capped.data!.importImage.images.map((i) => i.tag);
    expect(imported).toHaveLength(50);
    expect(imported.slice(0, 4)).toEqual(['latest', 'v2.1.0', 'v2.0.0', 'v1.59.0']);
    expect(capped.data!.importImage.additionalTags).toHaveLength(tags.length - 50);
    expect(capped.data!.importImage.additionalTags).toContain('dev');
    const regex = await importImage({
      namespace: 'team-a',
      stream: 'many-regex',
      from: `${host}/team/many`,
      all: true,
      tagFilter: 'v2\\..*',
      confirm: true,
    });
    expect(regex.data!.importImage.images.map((i) => i.tag)).toEqual(['v2.1.0', 'v2.0.0']);
    const range = await importImage({
      namespace: 'team-a',
      stream: 'many-semver',
      from: `${host}/team/many`,
      all: true,
      tagFilter: '>=1.58.0 <2.1.0',
      confirm: true,
    });
    expect(range.data!.importImage.images.map((i) => i.tag)).toEqual([
      'v2.0.0',
      'v1.59.0',
      'v1.58.0',
    ]);
    const raised = await importImage({
      namespace: 'team-a',
      stream: 'many-all',
      from: `${host}/team/many`,
      all: true,
      limit: 1000,
      confirm: true,
    });
    expect(raised.data!.importImage.images).toHaveLength(tags.length);
    expect(raised.data!.importImage.additionalTags).toEqual([]);
    const badFilter = await importImage({
      namespace: 'team-a',
      stream: 'x',
      from: `${host}/team/many`,
      all: true,
      tagFilter: '(',
      confirm: true,
    });
    expect(errorCodes(badFilter)).toEqual(['BAD_USER_INPUT']);
  });

  it('changes nothing on a dry run', async () => {
    const before = recorder.events.length;
    const dry = await importImage({
      namespace: 'team-a',
      stream: 'dry',
      from: `${host}/team/app:v2`,
      confirm: true,
      dryRun: true,
    });
    expect(dry.data!.importImage).toMatchObject({
      dryRun: true,
      stream: null,
      images: [{ tag: 'v2', status: 'SUCCESS', message: 'would import' }],
    });
    expect(
      (await server.gql(StreamTagDocument, { namespace: 'team-a', name: 'dry', tag: 'v2' })).data!
        .imageStream,
    ).toBeNull();
    const existing = await importImage({
      namespace: 'team-a',
      stream: 'app',
      from: `${host}/team/app:v1`,
      tag: 'latest',
      dryRun: true,
    });
    expect(existing.data!.importImage.images[0].status).toBe('UNCHANGED');
    expect(recorder.events.length).toBe(before);
  });

  it('loses no history entry when imports and tag changes of one stream race', async () => {
    const digests: string[] = [];
    for (let i = 0; i < 4; i++)
      digests.push(
        (await pushSyntheticImage(registry.url, 'team/race', `r${i}`, { authorization: basic }))
          .digest,
      );
    await importImage({
      namespace: 'team-a',
      stream: 'race',
      from: `${host}/team/race:r0`,
      tag: 'x',
      confirm: true,
    });
    await Promise.all([
      ...[1, 2, 3].map((i) =>
        importImage({
          namespace: 'team-a',
          stream: 'race',
          from: `${host}/team/race:r${i}`,
          tag: `t${i}`,
        }),
      ),
      ...[1, 2, 3].map((i) =>
        importImage({
          namespace: 'team-a',
          stream: 'race',
          from: `${host}/team/race:r${i}`,
          tag: 'x',
        }),
      ),
      server.gql(TagImageDocument, {
        input: { source: 'team-a/race:x', destination: 'team-a/race:y' },
      }),
    ]);
    const x = await streamTag('race', 'x');
    expect(x.items.edges).toHaveLength(4);
    expect(new Set(x.items.edges.map((e) => e.node.image))).toEqual(new Set(digests));
    for (const i of [1, 2, 3])
      expect((await streamTag('race', `t${i}`)).current!.image).toBe(digests[i]);
    expect((await streamTag('race', 'y')).current).not.toBeNull();
  });

  it('refuses bad input with the rule that failed', async () => {
    const cases: [ImportImageFullMutationVariables['input'], RegExp][] = [
      [{ namespace: 'team-a', stream: 'Bad', from: `${host}/a:b`, confirm: true }, /stream "Bad"/],
      [{ namespace: 'team-a', stream: 'app', from: 'UPPER/Case:x' }, /invalid image reference/],
      [{ namespace: 'team-a', stream: 'app', all: true }, /all: true needs from/],
      [
        { namespace: 'team-a', stream: 'app', from: `${host}/team/many`, all: true, limit: 0 },
        /limit must be between/,
      ],
    ];
    for (const [input, message] of cases) {
      const res = await importImage(input);
      expect(errorCodes(res)).toEqual(['BAD_USER_INPUT']);
      expect(res.errors![0].message).toMatch(message);
    }
  });
});
