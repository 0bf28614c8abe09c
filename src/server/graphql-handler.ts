import type { IncomingMessage } from 'node:http';
import { HeaderMap, type ApolloServer } from '@apollo/server';
import { markCredentialsRefused } from '../auth/credential-refusals';
import { createContext, type Context } from '../graphql/context';
import type { Services } from '../graphql/services';
import { anonymousHttpRefusal } from './anonymous-access';
import { authenticate } from './authenticate';
import type { Metrics } from './metrics';
import { BodyTooLargeError, readBody } from '../core/read-body';
import { sendJsonError, type Handler } from './handler';
import type { ErrorCode } from '../core/error-codes';

async function parseBody(req: IncomingMessage, limit: number): Promise<unknown> {
  if (req.method !== 'POST') return undefined;
  const text = await readBody(req, limit);
  const contentType = req.headers['content-type'] ?? '';
  if (!/^application\/(graphql-response\+)?json/i.test(contentType)) return text;
  return text.length === 0 ? {} : JSON.parse(text);
}

/** Without a token only introspection is served, and an introspection query is a few KB. */
const ANONYMOUS_BODY_BYTES = 64 * 1024;

function queryOf(req: IncomingMessage, body: unknown, url: URL): unknown {
  if (req.method !== 'POST') return url.searchParams.get('query');
  return typeof body === 'object' && body !== null
    ? (body as { query?: unknown }).query
    : undefined;
}

/**
 * Bridges node:http to Apollo Server: bounded body, identity from the bearer token, streamed
 * replies. Without a token only introspection gets past this point.
 */
export function graphqlHandler(
  apollo: ApolloServer<Context>,
  services: Services,
  metrics: Metrics,
): Handler {
  const rules = services.limits;
  const anonymousLimit = Math.min(rules.maxBodyBytes, ANONYMOUS_BODY_BYTES);
  return async (req, res, url, log) => {
    // Authenticated before the body is read, so that only a valid token earns the full limit.
    const auth = await authenticate(services.identities, req.headers.authorization);
    if ('invalid' in auth) {
      markCredentialsRefused(req);
      req.resume();
      metrics.countErrors([{ extensions: { code: 'UNAUTHENTICATED' satisfies ErrorCode } }]);
      return sendJsonError(res, 401, 'UNAUTHENTICATED', auth.invalid);
    }
    const anonymous = auth.identity === null;
    let body: unknown;
    try {
      body = await parseBody(req, anonymous ? anonymousLimit : rules.maxBodyBytes);
    } catch (err) {
      if (err instanceof BodyTooLargeError) {
        // The rest of the body is not worth reading: close the connection instead of draining it.
        // Node would otherwise read (and drop) the whole body before closing.
        res.setHeader('connection', 'close');
        res.once('finish', () => req.socket.destroy());
        return sendJsonError(
          res,
          413,
          'PAYLOAD_TOO_LARGE',
          anonymous ? `${err.message} without a token` : err.message,
        );
      }
      return sendJsonError(res, 400, 'BAD_REQUEST', 'request body is not valid JSON');
    }
    if (anonymous) {
      const refusal = anonymousHttpRefusal(queryOf(req, body, url), rules);
      if (refusal) {
        metrics.countErrors([{ extensions: { code: refusal.code } }]);
        return sendJsonError(res, refusal.status, refusal.code, refusal.message);
      }
    }
    const headers = new HeaderMap();
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
    }
    const result = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: {
        method: req.method?.toUpperCase() ?? 'GET',
        headers,
        search: url.search,
        body,
      },
      context: async () => createContext(services, auth.identity, log),
    });
    for (const [name, value] of result.headers) res.setHeader(name, value);
    res.statusCode = result.status ?? 200;
    if (result.body.kind === 'complete') {
      res.end(result.body.string);
      return;
    }
    for await (const chunk of result.body.asyncIterator) res.write(chunk);
    res.end();
  };
}
