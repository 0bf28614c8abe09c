import type { Server } from 'node:http';
import {
  getOperationAST,
  GraphQLError,
  NoSchemaIntrospectionCustomRule,
  parse,
  specifiedRules,
  validate,
  type DocumentNode,
  type GraphQLSchema,
} from 'graphql';
import type { Logger } from 'pino';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Identity } from '../auth/roles';
import { createContext } from '../graphql/context';
import type { Services } from '../graphql/services';
import { clientError } from '../graphql/error-codes';
import { queryLimitError } from '../graphql/query-limits';
import { anonymousRefusal } from './anonymous-access';
import { retryAfterSeconds, throttledMessage, type AuthThrottle } from './auth-throttle';
import { authenticate } from './authenticate';
import { serveGraphqlWs } from './graphql-ws-transport';
import type { Metrics } from './metrics';
import type { ErrorCode } from '../core/error-codes';
import { sendResultsDirectly, sharedSubscribe } from './shared-subscribe';

interface ConnectionExtra extends Record<PropertyKey, unknown> {
  identity: Identity | null;
  /** Ids of this connection's subscriptions, for the open-subscriptions gauge. */
  subscriptionIds?: Set<string>;
}

const MAX_OPERATIONS_PER_CONNECTION = 100;
/** graphql-ws's own code for "too many"; its client does not retry it. */
const CLOSE_THROTTLED = 4429;

/**
 * graphql-ws on the HTTP server's port and path. It bypasses Apollo, so authentication, limits
 * and metrics are applied here too, with the same rules as over HTTP.
 */
export function attachWebSocket(
  httpServer: Server,
  schema: GraphQLSchema,
  services: Services,
  metrics: Metrics,
  authFailures: AuthThrottle,
  log: Logger,
): { dispose: () => Promise<void> } {
  const { limits } = services;
  const wsServer = new WebSocketServer({
    server: httpServer,
    path: '/graphql',
    maxPayload: limits.maxBodyBytes,
  });
  const rules = limits.introspection
    ? specifiedRules
    : [...specifiedRules, NoSchemaIntrospectionCustomRule];
  const socketsByToken = new Map<string, Set<WebSocket>>();
  const stopWatchingRevocations = services.feed.onRevoked((tokenId) => {
    for (const socket of socketsByToken.get(tokenId) ?? []) socket.close(4403, 'token revoked');
  });

  const cleanup = serveGraphqlWs<ConnectionExtra>(
    {
      schema,
      subscribe: sharedSubscribe,
      onConnect: async (ctx) => {
        const authorization = ctx.connectionParams?.authorization;
        const client = authFailures.clientOf(ctx.extra.request);
        if (authorization) {
          const waitMs = await authFailures.limiter.waitMs(client);
          if (waitMs > 0) {
            ctx.extra.socket.close(CLOSE_THROTTLED, throttledMessage(waitMs));
            log.info({ retryAfter: retryAfterSeconds(waitMs) }, 'websocket connection throttled');
            return false;
          }
        }
        const auth = await authenticate(services.identities, authorization);
        const identity = 'invalid' in auth ? null : auth.identity;
        if ('invalid' in auth || (identity && services.feed.isRevoked(identity.id))) {
          log.info(
            { reason: 'invalid' in auth ? auth.invalid : 'revoked' },
            'websocket connection refused',
          );
          await authFailures.limiter.fail(client);
          return false;
        }
        ctx.extra.identity = identity;
        if (identity) {
          const sockets = socketsByToken.get(identity.id) ?? new Set<WebSocket>();
          socketsByToken.set(identity.id, sockets.add(ctx.extra.socket));
          ctx.extra.socket.once('close', () => {
            sockets.delete(ctx.extra.socket);
            if (sockets.size === 0) socketsByToken.delete(identity.id);
          });
        }
        return true;
      },
      onSubscribe: (ctx, id, payload) => {
        if (Object.keys(ctx.subscriptions).length > MAX_OPERATIONS_PER_CONNECTION)
          return [
            new GraphQLError(
              `at most ${MAX_OPERATIONS_PER_CONNECTION} operations may run at once on one connection`,
              { extensions: { code: 'TOO_MANY_OPERATIONS' satisfies ErrorCode } },
            ),
          ];
        let document: DocumentNode;
        try {
          document = parse(payload.query, { maxTokens: limits.maxTokens });
        } catch (err) {
          const error = err as GraphQLError;
          return [
            new GraphQLError(error.message, {
              extensions: { code: 'GRAPHQL_PARSE_FAILED' satisfies ErrorCode },
            }),
          ];
        }
        const anonymous = !ctx.extra.identity && anonymousRefusal(document, limits.introspection);
        if (anonymous) {
          metrics.countErrors([anonymous]);
          return [anonymous];
        }
        const operationName = payload.operationName ?? undefined;
        const errors = validate(schema, document, rules).map((e) =>
          e.extensions.code
            ? e
            : new GraphQLError(e.message, {
                nodes: e.nodes,
                extensions: { code: 'GRAPHQL_VALIDATION_FAILED' satisfies ErrorCode },
              }),
        );
        const overLimit =
          errors.length === 0 &&
          queryLimitError(schema, document, payload.variables ?? undefined, operationName, limits);
        if (overLimit) errors.push(overLimit);
        if (errors.length > 0) {
          metrics.countErrors(errors);
          return errors;
        }
        metrics.graphqlRequests.inc({
          operation: metrics.operationLabel(getOperationAST(document, operationName)?.name?.value),
          transport: 'websocket',
        });
        const isSubscription = document.definitions.some(
          (d) => d.kind === 'OperationDefinition' && d.operation === 'subscription',
        );
        const contextValue = createContext(services, ctx.extra.identity ?? null, log);
        if (isSubscription) {
          (ctx.extra.subscriptionIds ??= new Set()).add(id);
          metrics.openSubscriptions.inc();
          const nextPrefix = `{"id":${JSON.stringify(id)},"type":"next","payload":`;
          sendResultsDirectly(contextValue, (payloadJson) =>
            ctx.extra.send(`${nextPrefix}${payloadJson}}`),
          );
        }
        return {
          schema,
          document,
          operationName,
          variableValues: payload.variables,
          contextValue,
        };
      },
      onNext: (_ctx, _id, _payload, _args, result) => {
        if (!result.errors) return;
        const errors = result.errors.map((e) => clientError(e, log));
        metrics.countErrors(errors);
        return { ...result, errors };
      },
      onError: (_ctx, _id, _payload, errors) => {
        const mapped = errors.map((e) => clientError(e, log));
        metrics.countErrors(mapped);
        return mapped;
      },
      onComplete: (ctx, id) => {
        if (ctx.extra.subscriptionIds?.delete(id)) metrics.openSubscriptions.dec();
      },
    },
    wsServer,
    log,
  );

  return {
    dispose: () => {
      stopWatchingRevocations();
      return cleanup.dispose();
    },
  };
}
