import type { DeliveryOutcome } from './delivery-queue';
import type { AttemptResult } from './post-event';

export interface RetrySettings {
  /** The first retry waits about this long; each further one twice as long. */
  retryBaseMs: number;
  /** No attempt is made later than this after the first one. */
  maxRetryMs: number;
}

const MAX_BACKOFF_MS = 300_000;

/** Exponential, with jitter over its upper half so that many failing deliveries spread out. */
function backoff(attempts: number, baseMs: number): number {
  const ceiling = Math.min(MAX_BACKOFF_MS, baseMs * 2 ** (attempts - 1));
  return ceiling / 2 + (Math.random() * ceiling) / 2;
}

/**
 * What an attempt makes of a delivery: settled, or PENDING until the next attempt (backoff, or the
 * receiver's Retry-After when that is longer), or FAILED when that would fall past the bound.
 */
export function afterAttempt(
  attempt: AttemptResult,
  attempts: number,
  firstAttemptAt: number,
  now: number,
  settings: RetrySettings,
): DeliveryOutcome {
  const settled = {
    attempts,
    firstAttemptAt: new Date(firstAttemptAt).toISOString(),
    nextAttemptAt: new Date(now).toISOString(),
    lastStatusCode: attempt.statusCode,
  };
  if (attempt.result === 'DELIVERED') return { ...settled, status: 'DELIVERED' };
  if (attempt.result === 'FAILED')
    return { ...settled, status: 'FAILED', lastError: attempt.error };
  // Retry-After may ask for more patience than the backoff, never for less (`0` must not spin).
  const next = now + Math.max(attempt.retryAfterMs ?? 0, backoff(attempts, settings.retryBaseMs));
  if (next - firstAttemptAt > settings.maxRetryMs)
    return {
      ...settled,
      status: 'FAILED',
      lastError: `${attempt.error}; gave up after ${attempts} attempts`,
    };
  return {
    ...settled,
    status: 'PENDING',
    nextAttemptAt: new Date(next).toISOString(),
    lastError: attempt.error,
  };
}
