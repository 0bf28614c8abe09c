import type { Logger } from 'pino';
import type { EventLog } from './event-log';

const EVERY_MS = 3_600_000;

/** Prunes the event log to its retention at start and then every hour. */
export class EventRetention {
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly log: EventLog,
    private readonly retentionMs: number,
    private readonly logger: Logger,
  ) {}

  start(): void {
    void this.prune();
    this.timer = setInterval(() => void this.prune(), Math.min(EVERY_MS, this.retentionMs));
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
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
