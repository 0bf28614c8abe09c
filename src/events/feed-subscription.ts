import { RegqlError } from '../core/errors';
import { AsyncQueue } from './async-queue';
import type { EventLog } from './event-log';
import { matchesFilter, type EventFilter, type RegistryEvent } from './registry-event';

export interface SubscribeOptions {
  /** Replay the log after this id first (a cursor from an earlier event); null: live only. */
  after: number | null;
  filter: EventFilter;
  /** Namespaces whose events the subscriber may read; null: all. Checked for every event. */
  readable: (namespace: string) => boolean;
  /** The token behind the subscription: revoking it ends the subscription. Null: in-process. */
  tokenId: string | null;
}

const REPLAY_PAGE = 200;

/**
 * One subscriber's view of the feed: first the log between its `after` and the feed's position
 * when it subscribed (read a page at a time), then the live queue, which holds only later events.
 * So nothing is missed and nothing comes twice. While replaying, a full live queue only moves the
 * end of the replay up to the feed's position; once live, it ends the subscription.
 */
export class FeedSubscription implements AsyncIterableIterator<RegistryEvent> {
  private readonly queue: AsyncQueue<RegistryEvent>;
  private replayCursor: number;
  private replayPage: RegistryEvent[] = [];
  private replaying: boolean;
  /** Events up to this id come from the log; the live queue's only count after it. */
  private liveFrom: number;
  private last: string | null = null;

  constructor(
    private readonly log: EventLog,
    readonly options: SubscribeOptions,
    private readonly bufferSize: number,
    private readonly feedPosition: () => number,
    onClose: () => void,
  ) {
    this.queue = new AsyncQueue(bufferSize, () => this.overflowed(), onClose);
    this.liveFrom = feedPosition();
    this.replayCursor = options.after ?? this.liveFrom;
    this.replaying = this.replayCursor < this.liveFrom;
  }

  /** Called by the feed with every new event: queued live if the subscriber wants it. */
  offer(event: RegistryEvent): void {
    if (this.wants(event)) this.queue.push(event);
  }

  /** Ends the subscription at once with `err`. */
  fail(err: Error): void {
    this.queue.fail(err);
  }

  /** Ends the live queue (what it holds is still read); a replay in progress runs to its end. */
  endLive(): void {
    void this.queue.return();
  }

  async next(): Promise<IteratorResult<RegistryEvent>> {
    try {
      while (this.replaying) {
        const event = this.replayPage.shift();
        if (event) return this.deliver(event);
        await this.readReplayPage();
      }
      for (;;) {
        const result = await this.queue.next();
        if (result.done) return result;
        if (Number(result.value.id) > this.liveFrom) return this.deliver(result.value);
      }
    } catch (err) {
      await this.queue.return();
      throw err;
    }
  }

  return(): Promise<IteratorResult<RegistryEvent>> {
    this.replaying = false;
    return this.queue.return();
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<RegistryEvent> {
    return this;
  }

  private wants(event: RegistryEvent): boolean {
    return (
      event.namespace !== null &&
      this.options.readable(event.namespace) &&
      matchesFilter(event, this.options.filter) &&
      (this.options.after === null || Number(event.id) > this.options.after)
    );
  }

  /** The live queue is full: the error that ends the subscription, or null to read on from the log. */
  private overflowed(): RegqlError | null {
    if (this.replaying) {
      this.liveFrom = this.feedPosition();
      return null;
    }
    return new RegqlError(
      'SUBSCRIBER_TOO_SLOW',
      `subscriber fell more than ${this.bufferSize} events behind; resume with after: ${this.last ?? this.options.after ?? this.liveFrom}`,
    );
  }

  private deliver(event: RegistryEvent): IteratorResult<RegistryEvent> {
    this.last = event.id;
    return { value: event, done: false };
  }

  private async readReplayPage(): Promise<void> {
    if (this.replayCursor >= this.liveFrom) {
      this.replaying = false;
      return;
    }
    const pruned = await this.log.prunedThrough();
    if (this.replayCursor < pruned)
      throw new RegqlError(
        'EVENTS_EXPIRED',
        `events after ${this.replayCursor} are past the log's retention (kept after ${pruned}); resubscribe without after`,
      );
    const page = await this.log.read({
      after: this.replayCursor,
      readable: null,
      filter: this.options.filter,
      limit: REPLAY_PAGE,
    });
    const end = this.liveFrom;
    this.replayPage = page.filter((e) => Number(e.id) <= end && this.wants(e));
    this.replayCursor =
      page.length < REPLAY_PAGE ? end : Math.min(end, Number(page[page.length - 1].id));
  }
}
