import type { Logger } from 'pino';
import { RegqlError } from '../core/errors';
import type { BusSignal, EventBus } from './event-bus';
import type { EventLog } from './event-log';
import { FeedSubscription, type SubscribeOptions } from './feed-subscription';
import type { RegistryEvent } from './registry-event';

export interface FeedSettings {
  /** Events a subscriber may fall behind before its subscription ends. */
  bufferSize: number;
  /** How often the log is read without a signal: a safety net for a lost one. */
  pollMs: number;
  /** Which of these tokens still exist: checked every poll, so a revocation whose signal was lost still ends subscriptions. */
  existingTokens: (ids: string[]) => Promise<Set<string>>;
}

/** What writers need: to say, after their commit, that the log has grown. */
export interface EventAnnouncer {
  appended(): void;
}

const MAX_READ_BATCH = 500;
/**
 * How long a revoked token is remembered. The store already refuses it and every process drops
 * its cached lookups on the signal; this covers only authentications in flight at that moment.
 */
const REVOCATION_MEMORY_MS = 5 * 60_000;

/**
 * One reader of the event log per process. It follows the log in id order, woken by bus signals
 * (and a slow poll), and fans every new event out to bounded per-subscriber queues; the same
 * event object goes to every subscriber, so identical executions can be shared.
 */
export class EventFeed implements EventAnnouncer {
  private position = 0;
  private readonly subscribers = new Set<FeedSubscription>();
  private readonly listeners = new Set<(events: RegistryEvent[]) => void>();
  /** Revoked token ids and when they were revoked here. */
  private readonly revoked = new Map<string, number>();
  private readonly revocationListeners = new Set<(tokenId: string) => void>();
  private reading: Promise<void> | null = null;
  private readAgain = false;
  private timer: NodeJS.Timeout | null = null;
  private unsubscribe: (() => void) | null = null;

  constructor(
    private readonly log: EventLog,
    private readonly bus: EventBus,
    private readonly settings: FeedSettings,
    private readonly logger: Logger,
  ) {}

  async start(): Promise<void> {
    this.position = await this.log.lastId();
    this.unsubscribe = this.bus.onSignal((signal) => this.onSignal(signal));
    this.timer = setInterval(() => void this.poll(), this.settings.pollMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.unsubscribe?.();
    await this.reading;
    for (const subscription of this.subscribers) subscription.endLive();
  }

  /** Call after a transaction that appended events has committed. */
  appended(): void {
    this.bus.signal({ kind: 'appended' });
  }

  revoke(tokenId: string): void {
    this.bus.signal({ kind: 'revoked', tokenId });
  }

  isRevoked(tokenId: string): boolean {
    return this.revoked.has(tokenId);
  }

  /** Told of every token revoked here or, through the bus, in another process. */
  onRevoked(listener: (tokenId: string) => void): () => void {
    this.revocationListeners.add(listener);
    return () => this.revocationListeners.delete(listener);
  }

  /** In-process consumers (trigger delivery) that want every batch the feed reads. */
  onEvents(listener: (events: RegistryEvent[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  subscribe(options: SubscribeOptions): AsyncIterableIterator<RegistryEvent> {
    if (options.tokenId !== null && this.revoked.has(options.tokenId))
      throw new RegqlError('UNAUTHENTICATED', 'the token was revoked');
    const subscription: FeedSubscription = new FeedSubscription(
      this.log,
      options,
      this.settings.bufferSize,
      () => this.position,
      () => this.subscribers.delete(subscription),
    );
    this.subscribers.add(subscription);
    return subscription;
  }

  subscriberCount(): number {
    return this.subscribers.size;
  }

  private onSignal(signal: BusSignal): void {
    if (signal.kind === 'appended') {
      // After the writer's own continuation (its HTTP answer, say), not ahead of it.
      setImmediate(() => void this.catchUp());
      return;
    }
    this.endSubscriptionsOf(signal.tokenId);
  }

  private endSubscriptionsOf(tokenId: string): void {
    this.revoked.set(tokenId, Date.now());
    for (const listener of this.revocationListeners) listener(tokenId);
    for (const subscription of this.subscribers) {
      if (subscription.options.tokenId === tokenId)
        subscription.fail(new RegqlError('UNAUTHENTICATED', 'the token was revoked'));
    }
  }

  private async poll(): Promise<void> {
    await this.catchUp();
    const forgetBefore = Date.now() - REVOCATION_MEMORY_MS;
    for (const [id, at] of this.revoked) if (at < forgetBefore) this.revoked.delete(id);
    const tokens = new Set<string>();
    for (const { options } of this.subscribers) if (options.tokenId) tokens.add(options.tokenId);
    if (tokens.size === 0) return;
    try {
      const existing = await this.settings.existingTokens([...tokens]);
      for (const id of tokens) if (!existing.has(id)) this.endSubscriptionsOf(id);
    } catch (err) {
      this.logger.error({ err }, 'checking the tokens of subscriptions failed');
    }
  }

  /**
   * Reads everything after the position, resolving once all of it has been handed out;
   * concurrent calls coalesce into one more read.
   */
  catchUp(): Promise<void> {
    if (this.reading) {
      this.readAgain = true;
      return this.reading;
    }
    this.reading = this.readLoop()
      .catch((err: unknown) => this.logger.error({ err }, 'reading the event log failed'))
      .finally(() => {
        this.reading = null;
      });
    return this.reading;
  }

  /**
   * Hands out at most half a subscriber buffer at a time and lets the event loop turn in
   * between, so that a burst (a bulk import logs thousands of events in one transaction) reaches
   * subscribers that keep up instead of overflowing every queue at once.
   */
  private async readLoop(): Promise<void> {
    const limit = Math.max(1, Math.min(MAX_READ_BATCH, Math.floor(this.settings.bufferSize / 2)));
    do {
      this.readAgain = false;
      let batch: RegistryEvent[];
      do {
        batch = await this.log.read({ after: this.position, readable: null, filter: {}, limit });
        if (batch.length > 0) this.dispatch(batch);
        if (batch.length === limit) await new Promise((resolve) => setImmediate(resolve));
      } while (batch.length === limit);
    } while (this.readAgain);
  }

  private dispatch(batch: RegistryEvent[]): void {
    this.position = Number(batch[batch.length - 1].id);
    for (const event of batch) {
      for (const subscription of this.subscribers) subscription.offer(event);
    }
    for (const listener of this.listeners) listener(batch);
  }
}
