import { createHash } from 'node:crypto';
import { UpstreamError } from '../../src/oci/upstream-error';
import {
  registryCapabilities,
  capabilityMembers,
  type RegistryCapability,
} from '../../plugins/plugin';
import { TAGS, type Fixture, type Target } from './targets';

const code = (promise: Promise<unknown>) =>
  promise.then(
    () => 'ok',
    (err: unknown) => (err instanceof UpstreamError ? err.code : String(err)),
  );

/**
 * The cases every plugin that reads registries passes. A case for something the kind lacks is
 * registered as skipped, titled "skipped: <what>", never passed without checking anything.
 */
export function describeContract(target: Target): void {
  const supports = (capability: RegistryCapability) =>
    target.plugin.registry.capabilities.includes(capability);
  /** The case when `supported`, else a skipped case that says what the kind lacks. */
  const itWhen = (supported: boolean, lacks: string, title: string, fn: () => Promise<void>) =>
    supported ? it(title, fn) : it.skip(`skipped: ${lacks}`, fn);
  const itSupports = (capability: RegistryCapability, title: string, fn: () => Promise<void>) =>
    itWhen(supports(capability), capability, title, fn);

  let f: Fixture;
  beforeAll(async () => {
    f = await target.start();
  }, 60000);
  afterAll(() => f?.stop());

  it('pings /v2/ and names the auth scheme', async () => {
    const health = await f.adapter.ping(f.credential);
    expect(health).toMatchObject({ ok: true, authScheme: target.authScheme, message: null });
    expect(health.latencyMs).toBeGreaterThanOrEqual(0);
  });

  it('declares exactly the capabilities its adapter has', async () => {
    const offered = registryCapabilities.filter(
      (capability) => f.adapter[capabilityMembers[capability]] !== undefined,
    );
    expect(offered).toEqual(registryCapabilities.filter(supports));
  });

  itWhen(
    target.checksCredentials,
    'credentials',
    'verifies a good credential of a kind it declares and refuses a wrong one',
    async () => {
      expect(target.plugin.registry.credentialKinds).toContain(f.credential.kind);
      await expect(f.adapter.verify(f.credential)).resolves.toBeUndefined();
      expect(await code(f.adapter.verify(f.wrongCredential))).toBe('UPSTREAM_UNAUTHORIZED');
    },
  );

  it('lists repositories with paging', async () => {
    const all = await f.adapter.repositories(
      { first: 100, after: null, query: f.repositoriesQuery },
      f.credential,
    );
    expect(all.items.map((r) => r.name)).toEqual(
      expect.arrayContaining(['team/app', 'team/multi']),
    );
    const first = await f.adapter.repositories(
      { first: 1, after: null, query: f.repositoriesQuery },
      f.credential,
    );
    expect(first.items).toHaveLength(1);
    expect(first.next).not.toBeNull();
    const second = await f.adapter.repositories(
      { first: 1, after: first.next, query: f.repositoriesQuery },
      f.credential,
    );
    expect(second.items).toHaveLength(1);
    expect(second.items[0].name).not.toBe(first.items[0].name);
  });

  it('lists tags with paging, each page continuing where the last stopped', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    for (let i = 0; i < 10; i++) {
      const page: Awaited<ReturnType<typeof f.adapter.tags>> = await f.adapter.tags(
        'team/app',
        { first: 2, after },
        f.credential,
      );
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((t) => t.name));
      if (!page.next) break;
      after = page.next;
    }
    expect([...seen].sort()).toEqual(TAGS);
    const whole = await f.adapter.tags('team/app', { first: 100, after: null }, f.credential);
    expect(whole.items.map((t) => t.name).sort()).toEqual(TAGS);
    expect(whole.next).toBeNull();
    const digests = Object.fromEntries(whole.items.map((t) => [t.name, t.digest]));
    expect(digests).toEqual(
      Object.fromEntries(TAGS.map((t) => [t, target.listsDigests ? f.images[t].digest : null])),
    );
  });

  it('fetches a manifest by tag and by digest, verified, and HEADs it', async () => {
    const pushed = f.images.v2;
    const byTag = await f.adapter.getManifest('team/app', 'v2', f.credential);
    expect(byTag.digest).toBe(pushed.digest);
    expect(`sha256:${createHash('sha256').update(byTag.bytes).digest('hex')}`).toBe(pushed.digest);
    expect(byTag.manifest.kind).toBe('image');
    const byDigest = await f.adapter.getManifest('team/app', pushed.digest, f.credential);
    expect(byDigest.bytes.equals(byTag.bytes)).toBe(true);
    const head = await f.adapter.headManifest('team/app', 'v2', f.credential);
    expect(head).toEqual({
      digest: pushed.digest,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      size: pushed.manifest.length,
    });
  });

  it('fetches the config blob, checked against its digest', async () => {
    const fetched = await f.adapter.getManifest('team/app', 'v3', f.credential);
    if (fetched.manifest.kind !== 'image') throw new Error('expected an image manifest');
    const config = JSON.parse(
      (
        await f.adapter.getBlob('team/app', fetched.manifest.config.digest, 1 << 20, f.credential)
      ).toString(),
    );
    expect(config).toMatchObject({
      architecture: 'amd64',
      os: 'linux',
      config: { Labels: { tag: 'v3', app: 'demo' } },
    });
  });

  it('fetches an image index with its platforms, by tag and by digest', async () => {
    const byTag = await f.adapter.getManifest('team/multi', 'multi', f.credential);
    expect(byTag.digest).toBe(f.index.digest);
    if (byTag.manifest.kind !== 'index') throw new Error('expected an index');
    expect(byTag.manifest.manifests.map((m) => m.platform?.architecture)).toEqual(
      f.index.platforms,
    );
    const byDigest = await f.adapter.getManifest('team/multi', f.index.digest, f.credential);
    expect(byDigest.manifest.kind).toBe('index');
  });

  it('says NOT_FOUND for a tag or blob that does not exist', async () => {
    expect(await code(f.adapter.getManifest('team/app', 'nope', f.credential))).toBe(
      'UPSTREAM_NOT_FOUND',
    );
    expect(await code(f.adapter.headManifest('team/app', 'nope', f.credential))).toBe(
      'UPSTREAM_NOT_FOUND',
    );
    expect(
      await code(f.adapter.getBlob('team/app', `sha256:${'0'.repeat(64)}`, 1024, f.credential)),
    ).toBe('UPSTREAM_NOT_FOUND');
  });

  itWhen(
    target.checksCredentials,
    'credentials',
    'keeps private repositories private: no credential or a wrong one is UNAUTHORIZED',
    async () => {
      expect(await code(f.adapter.getManifest('team/private', 'v1', f.credential))).toBe('ok');
      expect(await code(f.adapter.getManifest('team/private', 'v1', null))).toBe(
        'UPSTREAM_UNAUTHORIZED',
      );
      expect(await code(f.adapter.getManifest('team/private', 'v1', f.wrongCredential))).toBe(
        'UPSTREAM_UNAUTHORIZED',
      );
    },
  );

  const publicRepository = target.publicRepository;
  itWhen(
    publicRepository !== null,
    'public repositories',
    'still reads a public repository when a stored credential is refused (anonymous retry)',
    async () => {
      const repository = publicRepository ?? 'none';
      expect(await code(f.adapter.getManifest(repository, 'v1', null))).toBe('ok');
      expect(await code(f.adapter.getManifest(repository, 'v1', f.wrongCredential))).toBe('ok');
    },
  );

  itWhen(
    target.issuesTokens,
    'bearer tokens',
    'reuses a bearer token until it expires instead of asking for each request',
    async () => {
      await f.adapter.getManifest('team/app', 'v4', f.credential);
      const before = f.tokenRequests();
      expect(before).toBeGreaterThan(0);
      for (let i = 0; i < 5; i++) await f.adapter.getManifest('team/app', 'v4', f.credential);
      expect(f.tokenRequests()).toBe(before);
    },
  );

  itSupports('RATE_LIMIT', 'reports the pull limit read off its answers', async () => {
    await f.adapter.getManifest('team/app', 'v1', f.credential);
    const limit = f.adapter.rateLimit?.();
    expect(limit).toMatchObject({ limit: expect.any(Number), remaining: expect.any(Number) });
    expect(limit?.remaining).toBeLessThanOrEqual(limit?.limit ?? -1);
  });

  itSupports(
    'TAG_HISTORY',
    'shows the digest a tag points at as its active history entry',
    async () => {
      const history = await f.adapter.tagHistory?.('team/app', 'v2', f.credential);
      expect(history).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ tag: 'v2', digest: f.images.v2.digest, active: true }),
        ]),
      );
    },
  );

  itSupports('VULNERABILITY_SCAN', 'answers a security report for an image', async () => {
    const report = await f.adapter.vulnerabilities?.('team/app', f.images.v3.digest, f.credential);
    expect(['scanned', 'queued', 'failed', 'unsupported']).toContain(report?.status);
    expect(report?.features).toEqual(expect.any(Array));
  });

  // Last: it moves a tag (and moves it back).
  itSupports('RESTORE_TAG', 'points a tag at an earlier digest, and back', async () => {
    await f.adapter.restoreTag?.('team/app', 'v5', f.images.v4.digest, f.writeCredential);
    expect((await f.adapter.headManifest('team/app', 'v5', f.credential)).digest).toBe(
      f.images.v4.digest,
    );
    await f.adapter.restoreTag?.('team/app', 'v5', f.images.v5.digest, f.writeCredential);
    expect((await f.adapter.headManifest('team/app', 'v5', f.credential)).digest).toBe(
      f.images.v5.digest,
    );
  });
}
