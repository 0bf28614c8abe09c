import type { IncomingMessage, ServerResponse } from 'node:http';
import { OciError, sendOciError } from '../integrated-registry/errors';
import type { AuthFailureLimiter } from './auth-failure-limiter';
import { sendJsonError } from './handler';

/** Refused credentials counted per client address, on HTTP and WebSocket alike. */
export interface AuthThrottle {
  limiter: AuthFailureLimiter;
  clientOf: (req: IncomingMessage) => string;
}

/** The routes that check credentials, and so the only ones a throttled client is refused on. */
export const checksCredentials = (path: string): boolean =>
  path === '/graphql' ||
  path === '/auth/token' ||
  path === '/v2' ||
  path.startsWith('/v2/') ||
  path.startsWith('/webhooks/');

/** An Authorization header, or a webhook secret in the path or its header. Anonymous is not a guess. */
export function carriesCredentials(req: IncomingMessage, url: URL): boolean {
  if (req.headers.authorization) return true;
  if (!url.pathname.startsWith('/webhooks/')) return false;
  return (
    Boolean(req.headers['x-regql-webhook-secret']) ||
    /^\/webhooks\/[^/]+\/[^/]+\/[^/]+/.test(url.pathname)
  );
}

export const retryAfterSeconds = (waitMs: number): number => Math.ceil(waitMs / 1000);

export const throttledMessage = (waitMs: number): string =>
  `too many refused credentials from this address; retry in ${retryAfterSeconds(waitMs)} s`;

/** 429 in the route's own error format, with Retry-After. */
export function sendThrottled(res: ServerResponse, url: URL, waitMs: number): void {
  const retryAfter = String(retryAfterSeconds(waitMs));
  if (url.pathname === '/auth/token' || url.pathname === '/v2' || url.pathname.startsWith('/v2/')) {
    return sendOciError(
      res,
      new OciError(429, 'TOOMANYREQUESTS', throttledMessage(waitMs), { 'retry-after': retryAfter }),
    );
  }
  res.setHeader('retry-after', retryAfter);
  sendJsonError(res, 429, 'TOO_MANY_REQUESTS', throttledMessage(waitMs));
}
