import type { Logger } from 'pino';
import type { EventLog } from './event-log';

const EVERY_MS = 3_600_000;

/** Prunes the event log to its retention at start and then every hour. */
export class EventRetention {
  private timer: NodeJS.Timeout | null = null;
  private pruning: Promise<void> | null = null;

  constructor(
    private readonly log: EventLog,
    private readonly retentionMs: number,
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.pruneNow();
    this.timer = setInterval(() => this.pruneNow(), Math.min(EVERY_MS, this.retentionMs));
    this.timer.unref();
  }

  /** Stops the timer and waits for a pruning in progress, so the store can close after it. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.pruning;
  }

  private pruneNow(): void {
    this.pruning ??= this.prune().finally(() => (this.pruning = null));
  }

  private async prune(): Promise<void> {
    try {
      const removed = await this.log.prune(new Date(Date.now() - this.retentionMs).toISOString());
      if (removed > 0) this.logger.info({ removed }, 'pruned the event log');
    } catch (err) {
      this.logger.error({ err }, 'pruning the event log failed');
    }
  }
}
