import { RegqlError } from '../domain/errors';
import type { AsyncQueue } from './async-queue';
import type { EventLog } from './event-log';
import type { SubscribeOptions } from './event-feed';
import { matchesFilter, type RegistryEvent } from './registry-event';

const REPLAY_PAGE = 200;

/**
 * One subscriber's view of the feed: first the log between its `after` and the feed's position
 * when it subscribed (read a page at a time), then the live queue, which the feed fills only with
 * later events. So nothing is missed and nothing comes twice.
 */
export class FeedSubscription implements AsyncIterableIterator<RegistryEvent> {
  private replayCursor: number;
  private replayPage: RegistryEvent[] = [];
  private replaying: boolean;
  private last: string | null = null;
  private retentionChecked = false;

  static wants(options: SubscribeOptions, event: RegistryEvent): boolean {
    return (
      event.namespace !== null &&
      options.readable(event.namespace) &&
      matchesFilter(event, options.filter) &&
      (options.after === null || Number(event.id) > options.after)
    );
  }

  constructor(
    private readonly log: EventLog,
    private readonly queue: AsyncQueue<RegistryEvent>,
    private readonly options: SubscribeOptions,
    /** The feed's position at subscription: live events all come after it. */
    private readonly liveFrom: number,
  ) {
    this.replayCursor = options.after ?? liveFrom;
    this.replaying = this.replayCursor < liveFrom;
  }

  lastDelivered(): string | null {
    return this.last;
  }

  async next(): Promise<IteratorResult<RegistryEvent>> {
    while (this.replaying) {
      const event = this.replayPage.shift();
      if (event) return this.deliver(event);
      await this.readReplayPage();
    }
    const result = await this.queue.next();
    if (!result.done) this.last = result.value.id;
    return result;
  }

  return(): Promise<IteratorResult<RegistryEvent>> {
    this.replaying = false;
    return this.queue.return();
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<RegistryEvent> {
    return this;
  }

  private deliver(event: RegistryEvent): IteratorResult<RegistryEvent> {
    this.last = event.id;
    return { value: event, done: false };
  }

  private async readReplayPage(): Promise<void> {
    if (!this.retentionChecked) {
      this.retentionChecked = true;
      const pruned = await this.log.prunedThrough();
      if (this.replayCursor < pruned)
        throw new RegqlError(
          'EVENTS_EXPIRED',
          `events after ${this.replayCursor} are past the log's retention (kept after ${pruned}); resubscribe without after`,
        );
    }
    if (this.replayCursor >= this.liveFrom) {
      this.replaying = false;
      return;
    }
    const page = await this.log.read({
      after: this.replayCursor,
      readable: null,
      filter: this.options.filter,
      limit: REPLAY_PAGE,
    });
    this.replayPage = page.filter(
      (e) => Number(e.id) <= this.liveFrom && FeedSubscription.wants(this.options, e),
    );
    this.replayCursor =
      page.length < REPLAY_PAGE ? this.liveFrom : Number(page[page.length - 1].id);
  }
}
