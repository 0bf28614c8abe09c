import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { watchRefusal } from '../auth/credential-refusals';
import {
  carriesCredentials,
  checksCredentials,
  sendThrottled,
  type AuthThrottle,
} from './auth-throttle';
import { sendJsonError, type Handler } from './handler';
import { landingHtml, landingScript, landingScriptPath } from './landing-page';
import type { Metrics } from './metrics';
import { maskWebhookSecret } from './webhook-route';

export interface RouteDeps {
  graphql: Handler;
  /** The integrated registry on /v2, and its token server. */
  registry: (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void>;
  registryToken: (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void>;
  /** Inbound registry webhooks on /webhooks/<kind>/... */
  webhooks: Handler;
  metrics: Metrics;
  authFailures: AuthThrottle;
  /** False while starting or stopping, or while the store does not answer. */
  ready: () => Promise<boolean>;
  log: Logger;
}

const requestIdPattern = /^[A-Za-z0-9._-]{1,64}$/;

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
  res.end(body);
}

/** The landing page loads nothing from elsewhere, and the browser is told so. */
function sendLandingPage(res: ServerResponse): void {
  res.setHeader(
    'content-security-policy',
    "default-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'none'",
  );
  send(res, 200, 'text/html; charset=utf-8', landingHtml);
}

function wantsHtml(req: IncomingMessage, url: URL): boolean {
  return (
    req.method === 'GET' &&
    !url.searchParams.has('query') &&
    (req.headers.accept ?? '').includes('text/html')
  );
}

/**
 * The one request listener: request id, access log, the fixed routes, and the one place that
 * refuses a client with too many refused credentials (before its credentials are checked) and
 * counts the refusals the handlers mark.
 */
export function requestListener({
  graphql,
  registry,
  registryToken,
  webhooks,
  metrics,
  authFailures,
  ready,
  log,
}: RouteDeps) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const header = req.headers['x-request-id'];
    const requestId =
      typeof header === 'string' && requestIdPattern.test(header) ? header : randomUUID();
    res.setHeader('x-request-id', requestId);
    const reqLog = log.child({ reqId: requestId });
    const started = performance.now();
    const url = new URL(req.url ?? '/', 'http://regql.invalid');
    res.on('finish', () => {
      reqLog.info(
        {
          method: req.method,
          path: maskWebhookSecret(url.pathname),
          status: res.statusCode,
          ms: Math.round(performance.now() - started),
        },
        'request',
      );
    });
    try {
      if (checksCredentials(url.pathname) && carriesCredentials(req, url)) {
        const client = authFailures.clientOf(req);
        const waitMs = await authFailures.limiter.waitMs(client);
        if (waitMs > 0) {
          req.resume();
          return sendThrottled(res, url, waitMs);
        }
        watchRefusal(req, () => {
          authFailures.limiter
            .fail(client)
            .catch((err: unknown) => reqLog.error({ err }, 'counting a refused credential failed'));
        });
      }
      if (url.pathname === '/v2' || url.pathname.startsWith('/v2/'))
        return await registry(req, res, url);
      if (url.pathname.startsWith('/webhooks/')) return await webhooks(req, res, url, reqLog);
      switch (url.pathname) {
        case '/auth/token':
          return await registryToken(req, res, url);
        case '/healthz':
          return send(res, 200, 'application/json', '{"status":"ok"}');
        case '/readyz':
          return (await ready())
            ? send(res, 200, 'application/json', '{"status":"ready"}')
            : send(res, 503, 'application/json', '{"status":"not ready"}');
        case '/metrics':
          return send(res, 200, metrics.registry.contentType, await metrics.registry.metrics());
        case landingScriptPath:
          return send(res, 200, 'text/javascript; charset=utf-8', landingScript);
        case '/':
          return sendLandingPage(res);
        case '/graphql':
          if (wantsHtml(req, url)) return sendLandingPage(res);
          return await graphql(req, res, url, reqLog);
        default:
          return sendJsonError(res, 404, 'NOT_FOUND', `no route ${url.pathname}`);
      }
    } catch (err) {
      reqLog.error({ err }, 'request failed');
      if (!res.headersSent) sendJsonError(res, 500, 'INTERNAL_SERVER_ERROR', 'internal error');
      else res.destroy();
    }
  };
}
