import type { EventBus } from '../../src/events/event-bus';
import type { RegistryEvent } from '../../src/events/registry-event';

/** Collects every event published on the bus from now on. */
export function recordEvents(bus: EventBus): {
  events: RegistryEvent[];
  stop: () => Promise<void>;
} {
  const events: RegistryEvent[] = [];
  const iterator = bus.subscribe(() => true);
  const pump = (async () => {
    for await (const event of iterator) events.push(event);
  })();
  return {
    events,
    stop: async () => {
      await iterator.return?.();
      await pump;
    },
  };
}

/** Waits (bounded) until `check` holds, polling every 50 ms. */
export async function eventually(
  check: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 15000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}
