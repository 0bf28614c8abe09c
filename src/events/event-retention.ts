import type { Logger } from 'pino';
import { PeriodicTask } from '../core/periodic-task';
import type { EventLog } from './event-log';

const EVERY_MS = 3_600_000;

/** Prunes the event log to its retention at start and then every hour. */
export class EventRetention {
  private readonly task: PeriodicTask;

  constructor(
    private readonly log: EventLog,
    private readonly retentionMs: number,
    private readonly logger: Logger,
  ) {
    this.task = new PeriodicTask(() => this.prune(), Math.min(EVERY_MS, retentionMs));
  }

  start(): void {
    void this.task.runNow();
    this.task.start();
  }

  /** Stops the timer and waits for a pruning in progress, so the store can close after it. */
  stop(): Promise<void> {
    return this.task.stop();
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
