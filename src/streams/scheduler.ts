import { realClock, type Clock } from '../core/clock';
import type { Logger } from 'pino';
import { nextImportAt, type ScheduleSettings } from '../domain/schedule';
import { parseReference } from '../oci/reference';
import type { Db } from '../store/database';
import { streamStoresOn } from './stream-stores';
import type { ImportRate } from './import-rate';
import type { ImportStatus } from '../domain/import-status';
import type { Importer } from './importer';

export interface SchedulerSettings {
  schedule: ScheduleSettings;
  perRegistryConcurrency: number;
  tickMs: number;
}

/** Due rows read per tick: enough to fill every free slot, without reading a backlog of thousands. */
const MAX_DUE_READ = 256;

const hostOf = (pullSpec: string) => {
  try {
    return parseReference(pullSpec).registry;
  } catch {
    return pullSpec;
  }
};

/**
 * Imports scheduled tags when their stored next-run time comes: within the shared import rate
 * (token bucket) and `perRegistryConcurrency` at once per registry. A tag is claimed (its
 * next run moved, if no one moved it first) before it runs, so a restart resumes the schedule
 * instead of repeating it, and of several processes on one store only one imports it.
 */
export class ImportScheduler {
  private timer: unknown = null;
  private readonly inFlight = new Map<string, Promise<void>>();
  private readonly perRegistry = new Map<string, number>();
  private ticking: Promise<void> | null = null;
  private tickAgain = false;
  private stopped = true;
  /** Set by `stop`: a tick under way claims nothing more. */
  private closed = false;

  constructor(
    private readonly db: Db,
    private readonly importer: Importer,
    private readonly rate: ImportRate,
    private readonly settings: SchedulerSettings,
    private readonly log: Logger,
    private readonly count: (status: ImportStatus) => void,
    private readonly clock: Clock = realClock,
  ) {}

  start(): void {
    this.stopped = false;
    this.schedule(this.settings.tickMs);
  }

  /** Ends the ticks; resolves once the tick under way and the imports it started are done. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.closed = true;
    if (this.timer) this.clock.clearTimeout(this.timer);
    this.timer = null;
    await this.ticking;
    await Promise.all(this.inFlight.values());
  }

  /** Runs the next tick after `delayMs`, or sooner when an import frees a slot. */
  private schedule(delayMs: number): void {
    if (this.stopped) return;
    if (this.timer) this.clock.clearTimeout(this.timer);
    this.timer = this.clock.setTimeout(() => {
      if (this.ticking) {
        this.tickAgain = true;
        return;
      }
      this.ticking = this.tick()
        .catch((err: unknown) => this.log.error({ err }, 'scheduled import tick failed'))
        .finally(() => {
          this.ticking = null;
          this.schedule(this.tickAgain ? 0 : this.settings.tickMs);
          this.tickAgain = false;
        });
    }, delayMs);
  }

  async tick(now = this.clock.now()): Promise<void> {
    const { perRegistryConcurrency, schedule } = this.settings;
    const free = this.rate.available(now);
    if (free < 1) return;
    const stores = streamStoresOn(this.db);
    const due = await stores.imageStreams.due(
      new Date(now).toISOString(),
      Math.min(Math.floor(free), MAX_DUE_READ) + this.inFlight.size,
    );
    for (const tag of due) {
      if (this.closed) break;
      const key = `${tag.streamId}\u0000${tag.tag}`;
      const host = hostOf(tag.from);
      if (
        this.rate.available(now) < 1 ||
        this.inFlight.has(key) ||
        (this.perRegistry.get(host) ?? 0) >= perRegistryConcurrency
      )
        continue;
      // Taken before the claim's await, so a webhook import cannot take the same token meanwhile.
      this.rate.take();
      const claimed = await stores.imageStreams.claim(
        tag,
        new Date(nextImportAt(now, tag.failures + 1, schedule)).toISOString(),
      );
      if (!claimed) {
        this.rate.giveBack();
        continue;
      }
      this.perRegistry.set(host, (this.perRegistry.get(host) ?? 0) + 1);
      const run = this.run(tag.streamId, tag.tag, tag.failures).finally(() => {
        this.inFlight.delete(key);
        this.perRegistry.set(host, (this.perRegistry.get(host) ?? 1) - 1);
        this.schedule(0);
      });
      this.inFlight.set(key, run);
    }
  }

  private async run(streamId: string, tag: string, failures: number): Promise<void> {
    let status: ImportStatus;
    try {
      status = await this.importer.importScheduled(streamId, tag);
    } catch (err) {
      this.log.error({ err, streamId, tag }, 'scheduled import failed');
      status = 'FAILED';
    }
    this.count(status);
    const after = status === 'FAILED' ? failures + 1 : 0;
    const next = nextImportAt(this.clock.now(), after, this.settings.schedule);
    try {
      await streamStoresOn(this.db).imageStreams.setSchedule(
        streamId,
        tag,
        new Date(next).toISOString(),
        after,
      );
    } catch (err) {
      // The claim already moved the next run, so the tag comes round again anyway.
      this.log.error({ err, streamId, tag }, 'recording the next scheduled import failed');
    }
  }
}
