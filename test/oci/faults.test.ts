import { distributionPlugin } from '../../plugins/distribution';
import type { RegistryAdapter } from '../../plugins/plugin';
import { TokenCache } from '../../src/oci/client/token-cache';
import { retryAfterMs, transportDefaults } from '../../src/oci/client/transport';
import { UpstreamError } from '../../src/oci/upstream-error';
import { startFaultyRegistry, type FaultyRegistry } from '../helpers/vendors/faulty-registry';

const outcome = (promise: Promise<unknown>) =>
  promise.then(
    () => 'ok',
    (err: unknown) => (err instanceof UpstreamError ? err.code : `unexpected: ${String(err)}`),
  );

describe('upstream faults end as typed errors, retried where safe', () => {
  let faulty: FaultyRegistry;
  let adapter: RegistryAdapter;
  const hits = (path: string) => faulty.requests.filter((r) => r.path.startsWith(path)).length;

  beforeAll(async () => {
    faulty = await startFaultyRegistry();
    adapter = distributionPlugin.registry.create(
      { name: 'faulty', kind: 'DISTRIBUTION', url: faulty.url, insecure: false },
      {
        tokens: new TokenCache(),
        transport: {
          ...transportDefaults,
          timeoutMs: 700,
          retries: 3,
          retryBaseMs: 20,
          maxRetryAfterMs: 5000,
        },
      },
    );
  });
  afterAll(async () => {
    await adapter.close();
    await faulty.close();
  });

  it('waits out 429 with Retry-After, then succeeds', async () => {
    const started = Date.now();
    expect(await outcome(adapter.getManifest('rate-limited/app', 'v1', null))).toBe('ok');
    expect(Date.now() - started).toBeGreaterThanOrEqual(1900);
    expect(hits('/v2/rate-limited/app/manifests/v1')).toBe(3);
  });

  it('retries 503 and a reset connection, then succeeds', async () => {
    expect(await outcome(adapter.getManifest('unavailable/app', 'v1', null))).toBe('ok');
    expect(hits('/v2/unavailable/app/manifests/v1')).toBe(3);
    expect(await outcome(adapter.getManifest('reset/app', 'v1', null))).toBe('ok');
    expect(hits('/v2/reset/app/manifests/v1')).toBe(2);
  });

  it('gives up on a registry that keeps failing, after a bounded number of tries', async () => {
    expect(await outcome(adapter.getManifest('always-503/app', 'v1', null))).toBe(
      'UPSTREAM_UNAVAILABLE',
    );
    expect(hits('/v2/always-503/app/manifests/v1')).toBe(4);
  });

  it('times out a stalled answer without retrying it', async () => {
    expect(await outcome(adapter.getManifest('stall/app', 'v1', null))).toBe(
      'UPSTREAM_UNAVAILABLE',
    );
    expect(hits('/v2/stall/app/manifests/v1')).toBe(1);
  });

  it('refuses malformed JSON, a manifest that does not match its digest, and a 10 MiB manifest', async () => {
    expect(await outcome(adapter.tags('malformed/app', { first: 10, after: null }, null))).toBe(
      'UPSTREAM_INVALID',
    );
    expect(await outcome(adapter.getManifest('malformed/app', 'v1', null))).toBe(
      'UPSTREAM_INVALID',
    );
    expect(await outcome(adapter.getManifest('mismatch/app', 'v1', null))).toBe('UPSTREAM_INVALID');
    expect(
      await outcome(adapter.getManifest('mismatch/app', faulty.digestOf('mismatch/app'), null)),
    ).toBe('UPSTREAM_INVALID');
    expect(await outcome(adapter.getManifest('huge/app', 'v1', null))).toBe('UPSTREAM_INVALID');
  });

  it('never retries other 4xx', async () => {
    expect(await outcome(adapter.getManifest('not-found/app', 'v1', null))).toBe(
      'UPSTREAM_NOT_FOUND',
    );
    expect(hits('/v2/not-found/app/manifests/v1')).toBe(1);
    expect(await outcome(adapter.getManifest('unauthorized/app', 'v1', null))).toBe(
      'UPSTREAM_UNAUTHORIZED',
    );
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    expect(retryAfterMs('3')).toBe(3000);
    expect(retryAfterMs(new Date(Date.now() + 10_000).toUTCString())).toBeGreaterThan(8000);
    expect(retryAfterMs('soon')).toBeNull();
  });
});
