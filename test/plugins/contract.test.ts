import { createHash } from 'node:crypto';
import { UpstreamError } from '../../src/oci/upstream-error';
import { TAGS, targets, type Fixture } from './targets';

const code = (promise: Promise<unknown>) =>
  promise.then(
    () => 'ok',
    (err: unknown) => (err instanceof UpstreamError ? err.code : String(err)),
  );

describe.each(targets)('registry plugin contract: $name', (target) => {
  let f: Fixture;
  beforeAll(async () => {
    f = await target.start();
  }, 60000);
  afterAll(() => f?.stop());

  it('pings /v2/ and names the auth scheme', async () => {
    const health = await f.adapter.ping(f.credential);
    expect(health).toMatchObject({ ok: true, authScheme: f.authScheme, message: null });
    expect(health.latencyMs).toBeGreaterThanOrEqual(0);
  });

  it('verifies a good credential and refuses a wrong one', async () => {
    await expect(f.adapter.verify(f.credential)).resolves.toBeUndefined();
    expect(await code(f.adapter.verify(f.wrongCredential))).toBe('UPSTREAM_UNAUTHORIZED');
  });

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
    for (const tag of whole.items) {
      if (tag.digest) expect(tag.digest).toBe(f.images[tag.name].digest);
    }
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

  it('keeps private repositories private: no credential or a wrong one is UNAUTHORIZED', async () => {
    expect(await code(f.adapter.getManifest(f.privateRepository, 'v1', f.credential))).toBe('ok');
    expect(await code(f.adapter.getManifest(f.privateRepository, 'v1', null))).toBe(
      'UPSTREAM_UNAUTHORIZED',
    );
    expect(await code(f.adapter.getManifest(f.privateRepository, 'v1', f.wrongCredential))).toBe(
      'UPSTREAM_UNAUTHORIZED',
    );
  });

  it('still reads a public repository when a stored credential is refused (anonymous retry)', async () => {
    if (!f.publicRepository) return;
    expect(await code(f.adapter.getManifest(f.publicRepository, 'v1', null))).toBe('ok');
    expect(await code(f.adapter.getManifest(f.publicRepository, 'v1', f.wrongCredential))).toBe(
      'ok',
    );
  });

  it('reuses a bearer token until it expires instead of asking for each request', async () => {
    if (f.authScheme !== 'Bearer') return;
    await f.adapter.getManifest('team/app', 'v4', f.credential);
    const before = f.tokenRequests().length;
    for (let i = 0; i < 5; i++) await f.adapter.getManifest('team/app', 'v4', f.credential);
    expect(f.tokenRequests().length).toBe(before);
  });
});
