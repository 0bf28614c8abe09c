import { RegqlError } from '../domain/errors';
import { AsyncQueue } from './async-queue';
import type { RegistryEvent } from './registry-event';

export interface EventBus {
  publish(event: RegistryEvent): void;
  /** Every event published from now on, until the iterator is returned. */
  subscribe(accept: (event: RegistryEvent) => boolean): AsyncIterableIterator<RegistryEvent>;
  subscriberCount(): number;
}

/** The in-process bus: fan-out to bounded per-subscriber queues. */
export class InProcessEventBus implements EventBus {
  private readonly subscribers = new Set<{
    accept: (e: RegistryEvent) => boolean;
    queue: AsyncQueue<RegistryEvent>;
  }>();

  constructor(private readonly bufferSize = 1000) {}

  publish(event: RegistryEvent): void {
    for (const subscriber of this.subscribers) {
      if (subscriber.accept(event)) subscriber.queue.push(event);
    }
  }

  subscribe(accept: (event: RegistryEvent) => boolean): AsyncIterableIterator<RegistryEvent> {
    let lastDelivered: string | null = null;
    const subscriber = {
      accept,
      queue: new AsyncQueue<RegistryEvent>(
        this.bufferSize,
        () =>
          new RegqlError(
            'SUBSCRIBER_TOO_SLOW',
            `subscriber fell more than ${this.bufferSize} events behind; resume with after: ${lastDelivered ?? 'null'}`,
          ),
        () => this.subscribers.delete(subscriber),
      ),
    };
    this.subscribers.add(subscriber);
    const queue = subscriber.queue;
    return {
      next: async () => {
        const result = await queue.next();
        if (!result.done) lastDelivered = result.value.id;
        return result;
      },
      return: () => queue.return(),
      [Symbol.asyncIterator]() {
        return this;
      },
    };
  }

  subscriberCount(): number {
    return this.subscribers.size;
  }
}
