import { header, type UpstreamResponse } from '../../src/oci/client/transport';
import type { RateLimitInfo } from '../plugin';

/** Reads `ratelimit-limit: 100;w=21600` and `ratelimit-remaining: 76;w=21600` from a manifest answer. */
export function readRateLimit(res: UpstreamResponse, now = new Date()): RateLimitInfo | null {
  const limit = /^(\d+)(?:;w=(\d+))?/.exec(header(res, 'ratelimit-limit') ?? '');
  const remaining = /^(\d+)/.exec(header(res, 'ratelimit-remaining') ?? '');
  if (!limit || !remaining) return null;
  return {
    limit: Number(limit[1]),
    remaining: Number(remaining[1]),
    windowSeconds: Number(limit[2] ?? 0),
    source: header(res, 'docker-ratelimit-source') ?? null,
    observedAt: now,
  };
}
