import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApolloServer } from '@apollo/server';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { GraphQLError } from 'graphql';
import type { Logger } from 'pino';
import type { Config } from '../config';
import type { WebhookIntake } from '../events/webhooks/webhook-intake';
import type { Context } from '../graphql/context';
import { clientError } from '../graphql/error-codes';
import { buildRegqlSchema } from '../graphql/schema';
import type { Services } from '../graphql/services';
import { MemoryAuthFailureLimiter } from '../server/auth-failure-limiter';
import type { AuthThrottle } from '../server/auth-throttle';
import { clientAddressResolver } from '../server/client-address';
import { graphqlHandler } from '../server/graphql-handler';
import type { Metrics } from '../server/metrics';
import { drainWebSocketPlugin } from '../server/plugins/drain-websocket';
import { limitsPlugin } from '../server/plugins/limits';
import { metricsPlugin } from '../server/plugins/metrics';
import { requestListener } from '../server/routes';
import { attachWebSocket } from '../server/websocket';
import { webhookRoute } from '../server/webhook-route';
import type { ListenerPart } from './listener';
import { once, startPart, type Stoppable } from './teardown';

type Route = (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void>;

export interface HttpDeps {
  listener: ListenerPart;
  services: Services;
  metrics: Metrics;
  intake: WebhookIntake;
  /** The integrated registry's /v2 and /auth/token. */
  registry: Route;
  registryToken: Route;
  /** Whether the store answers, for /readyz. */
  storeAnswers: () => Promise<boolean>;
}

/**
 * What clients talk to: the schema, Apollo Server, graphql-ws on the listener's server, and the
 * routes, which replace the listener's "starting" answer. Stopping makes /readyz say no, then
 * stops Apollo, which drains the HTTP server (in-flight requests get `shutdownTimeoutMs`) and
 * closes the WebSocket connections.
 */
export function startHttp(config: Config, deps: HttpDeps, log: Logger): Promise<Stoppable> {
  return startPart(log, async (teardown) => {
    const { listener, services, metrics } = deps;
    const { httpServer } = listener;
    const schema = await buildRegqlSchema();
    const authFailures: AuthThrottle = {
      limiter: new MemoryAuthFailureLimiter(config.server.authFailuresPerMinute),
      clientOf: clientAddressResolver(config.server.trustedProxies),
    };
    const ws = attachWebSocket(httpServer, schema, services, metrics, authFailures, log);
    // Apollo's drain disposes it too once started; whichever comes first does it.
    const disposeWebSocket = once(ws.dispose);
    teardown.add('graphql-ws', disposeWebSocket);
    const apollo = new ApolloServer<Context>({
      schema,
      logger: log.child({ component: 'apollo' }),
      introspection: config.graphql.introspection,
      parseOptions: { maxTokens: config.graphql.maxTokens },
      csrfPrevention: true,
      stopOnTerminationSignals: false,
      includeStacktraceInErrorResponses: false,
      formatError: (formatted, error) =>
        error instanceof GraphQLError ? clientError(error, log) : formatted,
      plugins: [
        ApolloServerPluginLandingPageDisabled(),
        ApolloServerPluginCacheControlDisabled(),
        ApolloServerPluginDrainHttpServer({
          httpServer,
          stopGracePeriodMillis: config.shutdownTimeoutMs,
        }),
        drainWebSocketPlugin(disposeWebSocket),
        limitsPlugin(config.graphql),
        metricsPlugin(metrics),
      ],
    });
    await apollo.start();
    teardown.add('apollo', () => apollo.stop());
    let ready = true;
    teardown.add('readiness', () => {
      ready = false;
    });
    listener.serve(
      requestListener({
        registry: deps.registry,
        registryToken: deps.registryToken,
        webhooks: webhookRoute(services.webhookReceivers, deps.intake, (kind, status) =>
          metrics.webhookRequests.inc({ kind, status: String(status) }),
        ),
        graphql: graphqlHandler(apollo, services, metrics),
        metrics,
        authFailures,
        ready: async () => ready && (await deps.storeAnswers()),
        log,
      }),
    );
    return {};
  });
}
