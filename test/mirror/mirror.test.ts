import { randomBytes } from 'node:crypto';
import {
  AddCredentialDocument,
  AddRegistryDocument,
  CreateTokenDocument,
  MirrorImageDocument,
  MirrorJobsDocument,
  StreamTagDocument,
  type MirrorImageInput,
} from '../generated/graphql';
import { startDockerRegistry, type DockerRegistry } from '../helpers/docker-registry';
import { recordEvents } from '../helpers/events';
import { buildIndex, skopeo, skopeoCopy, type Credentials } from '../helpers/images';
import { pushBlob } from '../helpers/synthetic-images';
import { pushRandomImage, putManifest, startThrottlingProxy, waitForJob } from '../helpers/mirror';
import { startTestServer, type TestServer } from '../helpers/server';

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';

describe('mirrorImage between docker-registry, the integrated registry and back', () => {
  let server: TestServer;
  let host: string;
  let source: DockerRegistry;
  let secured: DockerRegistry;
  let editor: Credentials;
  let index: Awaited<ReturnType<typeof buildIndex>>;
  let recorder: ReturnType<typeof recordEvents>;

  const rawOf = (ref: string, creds?: Credentials) =>
    skopeo([
      'inspect',
      '--raw',
      '--tls-verify=false',
      ...(creds ? [`--creds=${creds.username}:${creds.password}`] : []),
      `docker://${ref}`,
    ]);
  const mirror = async (input: Omit<MirrorImageInput, 'namespace'> & { namespace?: string }) => {
    const res = await server.gql(MirrorImageDocument, {
      input: { namespace: 'team-a', ...input },
    });
    expect(res.errors).toBeUndefined();
    return waitForJob(server, input.namespace ?? 'team-a', res.data!.mirrorImage.id);
  };

  beforeAll(async () => {
    [source, secured] = await Promise.all([
      startDockerRegistry(),
      startDockerRegistry({ auth: { username: 'mirror', password: 'secret-pw' } }),
    ]);
    server = await startTestServer();
    host = new URL(server.url).host;
    for (const [name, registry] of [
      ['source', source],
      ['secured', secured],
    ] as const) {
      const res = await server.gql(AddRegistryDocument, {
        input: { name, kind: 'DISTRIBUTION', url: registry.url },
      });
      expect(res.errors).toBeUndefined();
    }
    const added = await server.gql(AddCredentialDocument, {
      input: {
        namespace: 'team-a',
        registryHost: secured.host,
        username: 'mirror',
        password: 'secret-pw',
      },
    });
    expect(added.errors).toBeUndefined();
    const token = await server.gql(CreateTokenDocument, {
      input: { namespace: 'team-a', role: 'EDITOR' },
    });
    editor = { username: 'ci', password: token.data!.createToken.token };
    index = await buildIndex(['amd64', 'arm64']);
    await skopeoCopy(`oci:${index.layout}:multi`, `docker://${source.host}/src/multi:1.0`, {
      all: true,
    });
    recorder = recordEvents(server.app.services);
  }, 120_000);
  afterAll(async () => {
    await recorder?.stop();
    await server?.close();
    await Promise.all([source?.stop(), secured?.stop()]);
  });

  it('copies a multi-platform index from docker-registry into the integrated registry, byte for byte', async () => {
    const job = await mirror({
      source: `${source.host}/src/multi:1.0`,
      destination: `${host}/team-a/multi:1.0`,
      allPlatforms: true,
    });
    expect(job).toMatchObject({ state: 'SUCCEEDED', digest: index.descriptor.digest });
    expect(job).toMatchObject({ blobsCopied: 4, blobsSkipped: 0, blobsMounted: 0 });
    expect(job.bytesDone).toBe(job.bytesTotal);
    expect(await rawOf(`${host}/team-a/multi:1.0`, editor)).toBe(
      await rawOf(`${source.host}/src/multi:1.0`),
    );
    for (const platform of index.platforms)
      expect(await rawOf(`${host}/team-a/multi@${platform.digest}`, editor)).toBe(
        await rawOf(`${source.host}/src/multi@${platform.digest}`),
      );
    // skopeo reads every blob back and checks each against its digest.
    await skopeo([
      'copy',
      '--all',
      '--src-tls-verify=false',
      `--src-creds=${editor.username}:${editor.password}`,
      `docker://${host}/team-a/multi:1.0`,
      `oci:${index.layout}-back:multi`,
    ]);
    const tag = (
      await server.gql(StreamTagDocument, { namespace: 'team-a', name: 'multi', tag: '1.0' })
    ).data!.imageStream!.tag!;
    expect(tag.current).toMatchObject({
      image: index.descriptor.digest,
      dockerImageReference: `${server.app.services.publicHost}/team-a/multi@${index.descriptor.digest}`,
    });
    const mine = recorder.events.filter((e) => e.message?.includes(job.id));
    expect(mine.map((e) => e.type)).toContain('MIRROR_PROGRESS');
    expect(mine.at(-1)).toMatchObject({ type: 'MIRROR_COMPLETED', namespace: 'team-a' });
    expect(mine.at(-1)!.message).toContain(`${job.bytesTotal} of ${job.bytesTotal} bytes`);
  });

  it('skips every blob the destination holds when the same mirror runs again', async () => {
    const job = await mirror({
      source: `${source.host}/src/multi:1.0`,
      destination: `${host}/team-a/multi:1.0`,
      allPlatforms: true,
    });
    expect(job).toMatchObject({ state: 'SUCCEEDED', blobsCopied: 0, blobsSkipped: 4 });
  });

  it('copies one platform, the default one imports take', async () => {
    const amd64 = index.platforms[0];
    const job = await mirror({
      source: `${source.host}/src/multi:1.0`,
      destination: `${host}/team-a/single:1.0`,
      allPlatforms: false,
    });
    expect(job).toMatchObject({ state: 'SUCCEEDED', digest: amd64.digest, blobsCopied: 2 });
    expect(await rawOf(`${host}/team-a/single:1.0`, editor)).toBe(
      await rawOf(`${source.host}/src/multi@${amd64.digest}`),
    );
  });

  it('copies from the integrated registry to an htpasswd-protected registry with the namespace credential', async () => {
    const job = await mirror({
      source: `${host}/team-a/multi:1.0`,
      destination: `${secured.host}/mirror/multi:1.0`,
      allPlatforms: true,
    });
    expect(job).toMatchObject({ state: 'SUCCEEDED', blobsCopied: 4 });
    const creds = secured.auth!;
    expect(await rawOf(`${secured.host}/mirror/multi:1.0`, creds)).toBe(
      await rawOf(`${source.host}/src/multi:1.0`),
    );
    await skopeo([
      'copy',
      '--all',
      '--src-tls-verify=false',
      `--src-creds=${creds.username}:${creds.password}`,
      `docker://${secured.host}/mirror/multi:1.0`,
      `oci:${index.layout}-secured:multi`,
    ]);
  });

  it('mounts blobs within one registry instead of copying them', async () => {
    const job = await mirror({
      source: `${source.host}/src/multi:1.0`,
      destination: `${source.host}/copy/multi:1.0`,
      allPlatforms: true,
    });
    expect(job).toMatchObject({ state: 'SUCCEEDED', blobsMounted: 4, blobsCopied: 0 });
    expect(await rawOf(`${source.host}/copy/multi:1.0`)).toBe(
      await rawOf(`${source.host}/src/multi:1.0`),
    );
  });

  it('copies the referrers of the image with includeReferrers', async () => {
    const subject = await pushRandomImage(source.url, 'src/signed', 'v1', 1024);
    const empty = Buffer.from('{}');
    const emptyDigest = await pushBlob(source.url, 'src/signed', empty);
    const signature = await pushBlob(source.url, 'src/signed', randomBytes(256));
    const referrer = await putManifest(source.url, 'src/signed', 'sig', OCI_MANIFEST, {
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      artifactType: 'application/vnd.example.signature',
      config: { mediaType: 'application/vnd.oci.empty.v1+json', digest: emptyDigest, size: 2 },
      layers: [{ mediaType: 'application/vnd.example.signature', digest: signature, size: 256 }],
      subject: { mediaType: OCI_MANIFEST, digest: subject.digest, size: 0 },
    });
    // docker-registry has no referrers API: the OCI fallback tag lists them.
    await putManifest(source.url, 'src/signed', subject.digest.replace(':', '-'), OCI_INDEX, {
      schemaVersion: 2,
      mediaType: OCI_INDEX,
      manifests: [
        {
          mediaType: OCI_MANIFEST,
          digest: referrer.digest,
          size: referrer.size,
          artifactType: 'application/vnd.example.signature',
        },
      ],
    });
    const job = await mirror({
      source: `${source.host}/src/signed:v1`,
      destination: `${host}/team-a/signed:v1`,
      includeReferrers: true,
    });
    expect(job).toMatchObject({ state: 'SUCCEEDED', blobsCopied: 4 });
    const referrers = await fetch(`${server.url}/v2/team-a/signed/referrers/${subject.digest}`, {
      headers: {
        authorization: `Basic ${Buffer.from(`ci:${editor.password}`).toString('base64')}`,
      },
    });
    const listed = (await referrers.json()) as { manifests: { digest: string }[] };
    expect(listed.manifests.map((m) => m.digest)).toEqual([referrer.digest]);
  });

  it('lists the jobs of the namespace, newest first, page by page', async () => {
    const first = await server.gql(MirrorJobsDocument, { namespace: 'team-a', first: 2 });
    const page = first.data!.mirrorJobs;
    expect(page.edges).toHaveLength(2);
    expect(page.pageInfo.hasNextPage).toBe(true);
    expect(page.edges[0].node.destination).toBe(`${host}/team-a/signed:v1`);
    const rest = await server.gql(MirrorJobsDocument, {
      namespace: 'team-a',
      first: 100,
      after: page.pageInfo.endCursor,
    });
    expect(rest.data!.mirrorJobs.edges).toHaveLength(4);
    expect(rest.data!.mirrorJobs.pageInfo.hasNextPage).toBe(false);
  });

  it('fails a blob that does not match its descriptor, keeping nothing of it', async () => {
    const image = await pushRandomImage(source.url, 'src/broken', 'good', 4096);
    const manifest = (await (
      await fetch(`${source.url}/v2/src/broken/manifests/good`, {
        headers: { accept: OCI_MANIFEST },
      })
    ).json()) as { layers: { size: number }[] };
    manifest.layers[0].size += 1;
    await putManifest(source.url, 'src/broken', 'bad', OCI_MANIFEST, manifest);
    const job = await mirror({
      source: `${source.host}/src/broken:bad`,
      destination: `${host}/team-a/broken:v1`,
    });
    expect(job.state).toBe('FAILED');
    expect(job.message).toContain(`blob ${image.layer}: 4096 bytes arrived, not its 4097`);
    const blob = await fetch(`${server.url}/v2/team-a/broken/blobs/${image.layer}`, {
      method: 'HEAD',
      headers: {
        authorization: `Basic ${Buffer.from(`ci:${editor.password}`).toString('base64')}`,
      },
    });
    expect(blob.status).toBe(404);
  });

  it('refuses at once a source that does not exist', async () => {
    const res = await server.gql(MirrorImageDocument, {
      input: {
        namespace: 'team-a',
        source: `${source.host}/src/nothing:here`,
        destination: `${host}/team-a/nothing:v1`,
      },
    });
    expect(res.errors?.[0].extensions?.code).toBe('UPSTREAM_NOT_FOUND');
  });
});

describe('a mirror job cut off by a stop', () => {
  let server: TestServer;
  let source: DockerRegistry;
  let proxy: Awaited<ReturnType<typeof startThrottlingProxy>>;

  beforeAll(async () => {
    source = await startDockerRegistry();
    proxy = await startThrottlingProxy(
      { host: '127.0.0.1', port: Number(new URL(source.url).port) },
      1024 * 1024,
    );
    server = await startTestServer();
    for (const [name, url] of [
      ['fast', source.url],
      ['slow', `http://127.0.0.1:${proxy.port}`],
    ])
      await server.gql(AddRegistryDocument, { input: { name, kind: 'DISTRIBUTION', url } });
    await pushRandomImage(source.url, 'src/big', 'v1', 8 * 1024 * 1024);
  });
  afterAll(async () => {
    await server?.close();
    await proxy?.close();
    await source?.stop();
  });

  it('is marked FAILED at the next start, and running it again completes', async () => {
    const host = () => new URL(server.url).host;
    const started = await server.gql(MirrorImageDocument, {
      input: {
        namespace: 'team-a',
        source: `127.0.0.1:${proxy.port}/src/big:v1`,
        destination: `${host()}/team-a/big:v1`,
      },
    });
    expect(started.errors).toBeUndefined();
    const id = started.data!.mirrorImage.id;
    await waitForJob(server, 'team-a', id, (job) => job.state === 'RUNNING' && job.bytesDone > 0);
    await server.restart();
    const failed = await waitForJob(server, 'team-a', id);
    expect(failed).toMatchObject({ state: 'FAILED', message: 'regql stopped while the job ran' });
    const events = await server.raw(
      '{ events(namespace: "team-a", first: 500) { edges { node { type message } } } }',
    );
    expect(JSON.stringify(events.data)).toContain(`mirror job ${id} failed`);
    const rerun = await server.gql(MirrorImageDocument, {
      input: {
        namespace: 'team-a',
        source: `${source.host}/src/big:v1`,
        destination: `${host()}/team-a/big:v1`,
      },
    });
    const done = await waitForJob(server, 'team-a', rerun.data!.mirrorImage.id);
    expect(done).toMatchObject({ state: 'SUCCEEDED', blobsCopied: 1, blobsSkipped: 1 });
  }, 60_000);
});
