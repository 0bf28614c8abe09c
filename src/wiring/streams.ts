import type { Logger } from 'pino';
import type { PullAccess } from '../auth/pull-access';
import type { Config } from '../config';
import type { EventFeed } from '../events/event-feed';
import { WebhookIntake } from '../events/webhooks/webhook-intake';
import type { RegistryBrowser } from '../federation/browser';
import type { RegistryCatalog } from '../federation/catalog';
import type { Metrics } from '../server/metrics';
import type { Db } from '../store/database';
import { ImageStreamStore } from '../store/image-stream-store';
import { StreamStatusStore } from '../store/stream-status-store';
import { AliasPropagation } from '../streams/alias-propagation';
import { ImageStreams } from '../streams/image-streams';
import { Importer } from '../streams/importer';
import { ImportRate } from '../streams/import-rate';
import { ImportScheduler } from '../streams/scheduler';
import { SourceAccess } from '../streams/source-access';
import { KeyedLock } from '../core/keyed-lock';
import { Tagger } from '../streams/tagger';
import { startPart, type Stoppable } from './teardown';
import type { Clock } from '../core/clock';

export interface StreamsDeps {
  db: Db;
  registries: RegistryCatalog;
  browser: RegistryBrowser;
  pulls: PullAccess;
  feed: EventFeed;
  metrics: Metrics;
  /** The scheduler's time; real time unless a test drives it. */
  clock?: Clock;
}

export type ImportTrigger = 'api' | 'schedule' | 'webhook';

export interface StreamsPart extends Stoppable {
  imageStreams: ImageStreamStore;
  /** Creating image streams, by their rules. */
  streams: ImageStreams;
  streamStatus: StreamStatusStore;
  /** Checks what image-stream tags may name. */
  sources: SourceAccess;
  /** Queues a stream's writers within this process. */
  lock: KeyedLock;
  aliases: AliasPropagation;
  streamLimits: { maxRevisions: number; maxTags: number };
  importer: Importer;
  tagger: Tagger;
  /** Imports that webhooks start. */
  intake: WebhookIntake;
  /** Scheduled imports; not ticking until started. */
  scheduler: ImportScheduler;
  countImport: (status: string, trigger: ImportTrigger) => void;
}

/**
 * Image streams in motion: imports (by API, on schedule, from webhooks), tagging and alias
 * propagation. The scheduler is built here and started by the background part, once regql
 * serves. Stopping ends the webhook imports (waiting ones are dropped, running ones finish).
 */
export function startStreams(config: Config, deps: StreamsDeps, log: Logger): Promise<StreamsPart> {
  return startPart(log, (teardown) => {
    const { imports } = config;
    const { db, feed, metrics } = deps;
    const schedule = {
      intervalMs: imports.intervalSeconds * 1000,
      jitter: imports.jitter,
      maxBackoffMs: imports.maxBackoffSeconds * 1000,
    };
    const lock = new KeyedLock();
    const streamLimits = { maxRevisions: imports.maxRevisions, maxTags: imports.maxTagsPerStream };
    const sources = new SourceAccess(deps.pulls, deps.registries);
    const aliases = new AliasPropagation(db, feed, lock, deps.pulls, imports.maxRevisions, log);
    const importer = new Importer(
      db,
      deps.browser,
      feed,
      lock,
      aliases,
      sources,
      { ...streamLimits, defaultPlatform: imports.defaultPlatform, schedule },
      log,
    );
    const countImport = (status: string, trigger: ImportTrigger) =>
      metrics.imports.inc({ status, trigger });
    const importRate = new ImportRate(imports.ratePerMinute);
    const intake = new WebhookIntake(db, importer, importRate, feed, log, (status) =>
      countImport(status, 'webhook'),
    );
    teardown.add('webhook imports', () => intake.stop());
    const scheduler = new ImportScheduler(
      db,
      importer,
      importRate,
      {
        schedule,
        perRegistryConcurrency: imports.perRegistryConcurrency,
        tickMs: Math.min(1000, schedule.intervalMs / 4),
      },
      log,
      (status) => countImport(status, 'schedule'),
      deps.clock,
    );
    return {
      scheduler,
      imageStreams: new ImageStreamStore(db),
      streams: new ImageStreams(db, sources, imports.maxTagsPerStream, feed, lock),
      streamStatus: new StreamStatusStore(db),
      sources,
      lock,
      aliases,
      streamLimits,
      importer,
      tagger: new Tagger(db, feed, lock, importer, aliases, sources, streamLimits),
      intake,
      countImport,
    };
  });
}
