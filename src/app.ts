import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { ApolloServer } from '@apollo/server';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { GraphQLError } from 'graphql';
import Keyv from 'keyv';
import type { Logger } from 'pino';
import { Identities, type AdminBootstrap } from './auth/identities';
import { PullAccess } from './auth/pull-access';
import type { Identity } from './auth/roles';
import { ConfigError, type Config } from './config';
import { InProcessEventBus } from './events/event-bus';
import { RedisEventBus } from './events/redis-event-bus';
import { EventFeed } from './events/event-feed';
import { EventLog } from './events/event-log';
import { EventRetention } from './events/event-retention';
import { EgressPolicy } from './egress/egress-policy';
import { DeliveryQueue } from './events/triggers/delivery-queue';
import { DeliveryWorker } from './events/triggers/delivery-worker';
import { TriggerStore } from './events/triggers/trigger-store';
import { ReceiverStore } from './events/webhooks/receiver-store';
import { WebhookIntake } from './events/webhooks/webhook-intake';
import type { Context } from './graphql/context';
import type { Services } from './graphql/services';
import { clientError } from './graphql/error-codes';
import { buildRegqlSchema } from './graphql/schema';
import { MemoryAuthFailureLimiter } from './server/auth-failure-limiter';
import type { AuthThrottle } from './server/auth-throttle';
import { clientAddressResolver } from './server/client-address';
import { graphqlHandler } from './server/graphql-handler';
import { sendJsonError } from './server/handler';
import { createLogger } from './core/logger';
import { Metrics } from './server/metrics';
import { drainWebSocketPlugin } from './server/plugins/drain-websocket';
import { limitsPlugin } from './server/plugins/limits';
import { metricsPlugin } from './server/plugins/metrics';
import { requestListener } from './server/routes';
import { attachWebSocket } from './server/websocket';
import { webhookRoute } from './server/webhook-route';
import { ImageStreamStore } from './store/image-stream-store';
import { openStore, type Store } from './store/open-store';
import { StoreSettings } from './store/store-settings';
import { PluginRegistry } from '../plugins';
import { loadSecretKey, SecretBox } from './auth/secret-box';
import { checkSecretKey } from './auth/secret-key-check';
import { Vault } from './auth/vault';
import { TokenCache } from './oci/client/token-cache';
import { transportDefaults } from './oci/client/transport';
import { RegistryTokens } from './integrated-registry/access';
import { BlobStore } from './integrated-registry/blob-store';
import { collectGarbage } from './integrated-registry/gc';
import { PushProvisioning } from './integrated-registry/push-provisioning';
import { registryApi } from './integrated-registry/registry-api';
import { UploadReaper } from './integrated-registry/upload-reaper';
import { tokenEndpoint } from './integrated-registry/token-endpoint';
import { RegistryBrowser } from './federation/browser';
import { RegistryCatalog } from './federation/catalog';
import { contentCache } from './federation/content-cache';
import { ImageReader } from './federation/image-reader';
import { CredentialStore } from './store/credential-store';
import { RegistryContentStore } from './store/registry-content-store';
import { RegistryGcStore } from './store/registry-gc-store';
import { RegistryUploadStore } from './store/registry-upload-store';
import { StreamStatusStore } from './store/stream-status-store';
import { AliasPropagation } from './streams/alias-propagation';
import { Importer } from './streams/importer';
import { ImportRate } from './streams/import-rate';
import type { Clock } from './core/clock';
import { ImportScheduler } from './streams/scheduler';
import { KeyedLock } from './streams/stream-lock';
import { Tagger } from './streams/tagger';
import { RegistryStore } from './store/registry-store';
import { TokenStore } from './store/token-store';
import { PullGrantStore } from './store/pull-grant-store';
import { SourceAccess } from './streams/source-access';

export interface App {
  url: string;
  port: number;
  admin: AdminBootstrap;
  services: Services;
  store: Store;
  metrics: Metrics;
  log: Logger;
  close(): Promise<void>;
}

function createHttpServerFor(config: Config): Server {
  if (!config.tls) return createHttpServer();
  const read = (file: string, key: string) => {
    try {
      return readFileSync(file);
    } catch (err) {
      throw new ConfigError(`tls.${key}: cannot read ${file}: ${(err as Error).message}`);
    }
  };
  return createHttpsServer({
    cert: read(config.tls.cert, 'cert'),
    key: read(config.tls.key, 'key'),
  });
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/** The composition root: every long-lived part is built here and handed down, nothing is global. */
/** Test hooks; production passes none. `schedulerClock` drives the import scheduler's ticks. */
export interface StartOptions {
  schedulerClock?: Clock;
}

export async function startApp(
  config: Config,
  log: Logger = createLogger(config.logLevel),
  options: StartOptions = {},
): Promise<App> {
  const httpServer = createHttpServerFor(config);
  const store = await openStore(config.dataDir, { databaseUrl: config.databaseUrl, log });
  const bus = config.events.redisUrl
    ? new RedisEventBus(config.events.redisUrl, log)
    : new InProcessEventBus();
  try {
    const identities = new Identities(new TokenStore(store.db), new Keyv<Identity>());
    const admin = await identities.bootstrapAdmin(config.dataDir, config.adminToken);

    let handle = (_req: IncomingMessage, res: ServerResponse) =>
      sendJsonError(res, 503, 'UNAVAILABLE', 'regql is starting');
    httpServer.on('request', (req, res) => handle(req, res));
    const port = await listen(httpServer, config.port, config.host);
    const scheme = config.tls ? 'https' : 'http';
    const publicUrl = (config.publicUrl ?? `${scheme}://localhost:${port}`).replace(/\/+$/, '');
    const localHost = ['0.0.0.0', '::'].includes(config.host) ? '127.0.0.1' : config.host;
    const url = `${scheme}://${localHost.includes(':') ? `[${localHost}]` : localHost}:${port}`;

    const metrics = new Metrics(store.queryCount, config.graphql.metricOperations);
    const secretKey = loadSecretKey(config.dataDir, config.secretKey);
    const secretBox = new SecretBox(secretKey);
    await checkSecretKey(new StoreSettings(store.db), secretBox);
    const blobStore = new BlobStore(join(config.dataDir, 'registry'));
    await blobStore.init();
    const uploadStore = new RegistryUploadStore(store.db);
    const uploadMaxAgeMs = config.registry.uploadMaxAgeSeconds * 1000;
    const uploadReaper = new UploadReaper(blobStore, uploadStore, uploadMaxAgeMs, log);
    const { privateNetworks, ...upstream } = config.upstream;
    // events.triggerPrivateNetworks, kept from before the one policy, widens it for triggers only.
    const triggerEgress = new EgressPolicy(privateNetworks, {
      allPrivate: config.events.triggerPrivateNetworks,
    });
    const registries = new RegistryCatalog(
      config.registries,
      publicUrl,
      [url],
      new RegistryStore(store.db),
      new PluginRegistry(),
      {
        tokens: new TokenCache(),
        integrated: { content: new RegistryContentStore(store.db), blobs: blobStore },
        transport: { ...transportDefaults, ...upstream },
        observe: (registry, status) => metrics.countUpstream(registry, status),
      },
      new EgressPolicy(privateNetworks),
    );
    const vault = new Vault(new CredentialStore(store.db), secretBox, config.sharedNamespace);
    const pullGrants = new PullGrantStore(store.db);
    const pulls = new PullAccess(pullGrants, config.registry.publicNamespaces);
    const sources = new SourceAccess(pulls, registries);
    const cache = contentCache(config.cache.maxEntries);
    const tagTtlMs = config.cache.tagTtlSeconds * 1000;
    const browser = new RegistryBrowser(
      registries,
      vault,
      new ImageReader(cache, tagTtlMs),
      cache,
      tagTtlMs,
      pulls,
    );
    if (bus instanceof RedisEventBus) await bus.connect();
    const eventLog = new EventLog(store.db);
    const feed = new EventFeed(
      eventLog,
      bus,
      {
        bufferSize: config.events.subscriberBuffer,
        pollMs: config.events.pollMs,
        existingTokens: (ids) => identities.existing(ids),
      },
      log,
    );
    await feed.start();
    const triggers = new TriggerStore(store.db, secretBox);
    const deliveries = new DeliveryWorker(
      new DeliveryQueue(store.db),
      triggers,
      feed,
      {
        timeoutMs: config.events.triggerTimeoutMs,
        retryBaseMs: config.events.triggerRetryBaseMs,
        maxRetryMs: config.events.triggerMaxRetrySeconds * 1000,
        egress: triggerEgress,
      },
      log.child({ component: 'triggers' }),
      (result) => metrics.triggerAttempts.inc({ result }),
    );
    bus.onSignal((signal) => {
      if (signal.kind === 'revoked') void identities.forgetCached();
    });
    const retention = new EventRetention(eventLog, config.events.retentionDays * 86_400_000, log);
    const { imports } = config;
    const schedule = {
      intervalMs: imports.intervalSeconds * 1000,
      jitter: imports.jitter,
      maxBackoffMs: imports.maxBackoffSeconds * 1000,
    };
    const lock = new KeyedLock();
    const streamLimits = { maxRevisions: imports.maxRevisions, maxTags: imports.maxTagsPerStream };
    const aliases = new AliasPropagation(store.db, feed, lock, pulls, imports.maxRevisions, log);
    const importer = new Importer(
      store.db,
      browser,
      feed,
      lock,
      aliases,
      sources,
      { ...streamLimits, defaultPlatform: imports.defaultPlatform, schedule },
      log,
    );
    const countImport = (status: string, trigger: 'api' | 'schedule' | 'webhook') =>
      metrics.imports.inc({ status, trigger });
    const importRate = new ImportRate(imports.ratePerMinute);
    const scheduler = new ImportScheduler(
      store.db,
      importer,
      importRate,
      {
        schedule,
        perRegistryConcurrency: imports.perRegistryConcurrency,
        tickMs: Math.min(1000, schedule.intervalMs / 4),
      },
      log,
      (status) => countImport(status, 'schedule'),
      options.schedulerClock,
    );
    const services: Services = {
      limits: {
        maxItems: config.graphql.maxItems,
        maxDepth: config.graphql.maxDepth,
        maxComplexity: config.graphql.maxComplexity,
        maxTagsPerStream: config.imports.maxTagsPerStream,
        gcGraceSeconds: config.registry.gcGraceSeconds,
        maxBodyBytes: config.graphql.maxBodyBytes,
        maxTokens: config.graphql.maxTokens,
        introspection: config.graphql.introspection,
      },
      identities,
      pulls,
      pullGrants,
      sources,
      db: store.db,
      imageStreams: new ImageStreamStore(store.db),
      streamStatus: new StreamStatusStore(store.db),
      registries,
      vault,
      browser,
      importer,
      tagger: new Tagger(store.db, feed, lock, importer, aliases, sources, streamLimits),
      countImport,
      collectGarbage: (graceMs) =>
        collectGarbage(
          blobStore,
          { gc: new RegistryGcStore(store.db), uploads: uploadStore },
          { graceMs, uploadMaxAgeMs },
          log,
        ),
      feed,
      eventLog,
      triggers,
      triggerEgress,
      webhookReceivers: new ReceiverStore(store.db),
      publicUrl,
      publicHost: new URL(publicUrl).host,
    };
    const schema = await buildRegqlSchema();
    const authFailures: AuthThrottle = {
      limiter: new MemoryAuthFailureLimiter(config.server.authFailuresPerMinute),
      clientOf: clientAddressResolver(config.server.trustedProxies),
    };
    const ws = attachWebSocket(httpServer, schema, services, metrics, authFailures, log);
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
        drainWebSocketPlugin(ws.dispose),
        limitsPlugin(config.graphql),
        metricsPlugin(metrics),
      ],
    });
    await apollo.start();

    scheduler.start();
    retention.start();
    deliveries.start();
    uploadReaper.start();
    let ready = true;
    const registryTokens = new RegistryTokens(secretKey, config.registry.tokenTtlSeconds);
    const pushes = new PushProvisioning(
      store.db,
      feed,
      lock,
      aliases,
      services.publicHost,
      streamLimits,
    );
    const registry = registryApi({
      db: store.db,
      blobs: blobStore,
      tokens: registryTokens,
      identities,
      pushes,
      publicUrl,
      pulls,
      limits: config.registry,
    });
    const intake = new WebhookIntake(store.db, importer, importRate, feed, log, (status) =>
      countImport(status, 'webhook'),
    );
    handle = requestListener({
      registry,
      registryToken: tokenEndpoint(identities, registryTokens, pulls),
      webhooks: webhookRoute(services.webhookReceivers, intake, (kind, status) =>
        metrics.webhookRequests.inc({ kind, status: String(status) }),
      ),
      graphql: graphqlHandler(apollo, services, metrics),
      metrics,
      authFailures,
      ready: async () => ready && (await store.answers()),
      log,
    });
    log.info({ url, publicUrl }, 'regql listening');

    return {
      url,
      port,
      admin,
      services,
      store,
      metrics,
      log,
      close: async () => {
        ready = false;
        await scheduler.stop();
        retention.stop();
        await apollo.stop();
        await uploadReaper.stop();
        await intake.stop();
        await deliveries.stop();
        await feed.stop();
        await bus.close();
        await registries.close();
        await store.close();
      },
    };
  } catch (err) {
    httpServer.close();
    await bus.close();
    await store.close();
    throw err;
  }
}
