import type { Logger } from 'pino';
import type { AdminBootstrap } from './auth/identities';
import type { Config } from './config';
import type { Clock } from './core/clock';
import { createLogger } from './core/logger';
import type { Services } from './graphql/services';
import { Metrics } from './server/metrics';
import type { Store } from './store/open-store';
import { startEvents } from './wiring/events';
import { startFederation } from './wiring/federation';
import { startHttp } from './wiring/http';
import { startIntegratedRegistry } from './wiring/integrated-registry';
import { startBackground } from './wiring/background';
import { startListener } from './wiring/listener';
import { startMirror } from './wiring/mirror';
import { startStore } from './wiring/store';
import { startStreams } from './wiring/streams';
import { Teardown, type Stoppable } from './wiring/teardown';

export interface App {
  url: string;
  port: number;
  admin: AdminBootstrap;
  services: Services;
  store: Store;
  metrics: Metrics;
  log: Logger;
  /** Stops every part, last started first: the same order as after a failed start. */
  close(): Promise<void>;
}

/** The parts of the app, in the order they start; they stop in the reverse order. */
export const PARTS = [
  'listener',
  'store',
  'federation',
  'events',
  'streams',
  'integrated-registry',
  'mirror',
  'http',
  'background',
] as const;
export type PartName = (typeof PARTS)[number];

export interface StartOptions {
  /**
   * Called after each part has started, in order. If it throws, the start fails there as if the
   * part had: what started is stopped and the error is rethrown. Tests inject failures with it.
   */
  afterPart?: (part: PartName) => void | Promise<void>;
  /** Drives the import scheduler's ticks instead of real time. */
  schedulerClock?: Clock;
}

/**
 * The composition root: every long-lived part is built here, through its function in
 * `src/wiring/`, and handed down; nothing is global. Each part returns how to stop it; on a
 * failure while starting, the parts started so far are stopped in reverse and the error is
 * rethrown, exactly as `close` stops them all.
 */
export async function startApp(
  config: Config,
  log: Logger = createLogger(config.logLevel),
  options: StartOptions = {},
): Promise<App> {
  const parts = new Teardown(log);
  const started = async <T extends Stoppable>(name: PartName, start: Promise<T>): Promise<T> => {
    const part = await start;
    parts.add(name, () => {
      log.debug({ part: name }, 'stopping');
      return part.stop();
    });
    await options.afterPart?.(name);
    return part;
  };
  try {
    const listener = await started('listener', startListener(config, log));
    const state = await started('store', startStore(config, log));
    const { store } = state;
    const { url, port, publicUrl } = listener;
    const publicHost = new URL(publicUrl).host;
    const metrics = new Metrics(store.queryCount, config.graphql.metricOperations);
    const federation = await started(
      'federation',
      startFederation(
        config,
        {
          db: store.db,
          blobStore: state.blobStore,
          secretBox: state.secretBox,
          metrics,
          publicUrl,
          url,
        },
        log,
      ),
    );
    const events = await started(
      'events',
      startEvents(
        config,
        { db: store.db, identities: state.identities, secretBox: state.secretBox, metrics },
        log,
      ),
    );
    const streams = await started(
      'streams',
      startStreams(
        config,
        {
          db: store.db,
          registries: federation.registries,
          browser: federation.browser,
          pulls: federation.pulls,
          feed: events.feed,
          metrics,
          clock: options.schedulerClock,
        },
        log,
      ),
    );
    const registry = await started(
      'integrated-registry',
      startIntegratedRegistry(
        config,
        {
          db: store.db,
          blobStore: state.blobStore,
          secretKey: state.secretKey,
          identities: state.identities,
          pulls: federation.pulls,
          feed: events.feed,
          lock: streams.lock,
          aliases: streams.aliases,
          browser: federation.browser,
          streamLimits: streams.streamLimits,
          publicUrl,
          publicHost,
        },
        log,
      ),
    );
    const mirror = await started(
      'mirror',
      startMirror(
        config,
        {
          db: store.db,
          browser: federation.browser,
          integratedPush: registry.integratedPush,
          eventLog: events.eventLog,
          feed: events.feed,
        },
        log,
      ),
    );
    const services: Services = {
      limits: {
        maxItems: config.graphql.maxItems,
        maxDepth: config.graphql.maxDepth,
        maxComplexity: config.graphql.maxComplexity,
        gcGraceSeconds: config.registry.gcGraceSeconds,
        maxBodyBytes: config.graphql.maxBodyBytes,
        maxTokens: config.graphql.maxTokens,
        introspection: config.graphql.introspection,
      },
      identities: state.identities,
      pulls: federation.pulls,
      pullGrants: federation.pullGrants,
      db: store.db,
      imageStreams: streams.imageStreams,
      streams: streams.streams,
      streamStatus: streams.streamStatus,
      registries: federation.registries,
      registration: federation.registration,
      vault: federation.vault,
      browser: federation.browser,
      importer: streams.importer,
      tagger: streams.tagger,
      countImport: streams.countImport,
      collectGarbage: registry.collectGarbage,
      feed: events.feed,
      eventLog: events.eventLog,
      triggers: events.triggers,
      triggerEgress: events.triggerEgress,
      webhookReceivers: events.webhookReceivers,
      mirror: mirror.mirror,
      mirrorJobs: mirror.mirrorJobs,
      publicUrl,
      publicHost,
    };
    await started(
      'http',
      startHttp(
        config,
        {
          listener,
          services,
          metrics,
          intake: streams.intake,
          registry: registry.registry,
          registryToken: registry.registryToken,
          storeAnswers: () => store.answers(),
        },
        log,
      ),
    );
    await started('background', startBackground({ scheduler: streams.scheduler }, log));
    log.info({ url, publicUrl }, 'regql listening');

    let closing: Promise<void> | null = null;
    return {
      url,
      port,
      admin: state.admin,
      services,
      store,
      metrics,
      log,
      close: () => (closing ??= parts.run()),
    };
  } catch (err) {
    // Each failure to stop is logged by the teardown; the caller needs the start's own error.
    await parts.run().catch(() => {});
    throw err;
  }
}
