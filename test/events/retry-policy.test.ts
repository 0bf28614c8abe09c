import { afterAttempt } from '../../src/events/triggers/retry-policy';

describe('trigger retry policy', () => {
  const settings = { retryBaseMs: 1000, maxRetryMs: 3_600_000 };
  const retry = (retryAfterMs: number | null = null) => ({
    result: 'RETRY' as const,
    statusCode: 503,
    error: 'HTTP 503',
    retryAfterMs,
  });

  it('waits at least the backoff even when Retry-After says 0, and longer when it asks', () => {
    const now = 1_000_000;
    const zero = afterAttempt(retry(0), 1, now, now, settings);
    expect(Date.parse(zero.nextAttemptAt) - now).toBeGreaterThanOrEqual(settings.retryBaseMs / 2);
    const long = afterAttempt(retry(120_000), 1, now, now, settings);
    expect(Date.parse(long.nextAttemptAt) - now).toBe(120_000);
  });

  it('gives up once the next attempt would fall past the retry time', () => {
    const first = 0;
    const outcome = afterAttempt(retry(), 12, first, settings.maxRetryMs - 10, settings);
    expect(outcome).toMatchObject({
      status: 'FAILED',
      lastError: expect.stringMatching(/gave up/),
    });
  });
});
