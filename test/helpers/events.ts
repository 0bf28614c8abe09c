import type { Services } from '../../src/graphql/services';
import type { EventDraft, RegistryEvent } from '../../src/events/registry-event';

/** Collects every event the feed delivers from now on, as an all-namespace subscriber would. */
export function recordEvents(services: Pick<Services, 'feed'>): {
  events: RegistryEvent[];
  stop: () => Promise<void>;
} {
  const events: RegistryEvent[] = [];
  const iterator = services.feed.subscribe({
    after: null,
    filter: {},
    readable: () => true,
    tokenId: null,
  });
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

/** A TAG_UPDATED of `web:latest`, now, with `draft`'s fields over it. */
export function eventDraft(draft: Partial<EventDraft> & Pick<EventDraft, 'namespace'>): EventDraft {
  return {
    type: 'TAG_UPDATED',
    occurredAt: new Date().toISOString(),
    stream: 'web',
    tag: 'latest',
    registry: null,
    repository: null,
    digest: `sha256:${'b'.repeat(64)}`,
    previousDigest: null,
    message: null,
    ...draft,
  };
}

/** Appends an event to the log as a writer would, and announces it. */
export async function logEvent(
  services: Pick<Services, 'feed' | 'eventLog'>,
  draft: Partial<EventDraft> & Pick<EventDraft, 'namespace'>,
): Promise<RegistryEvent> {
  const event = await services.eventLog.append(eventDraft(draft));
  services.feed.appended();
  return event;
}

/** Waits (bounded) until `check` holds, polling every 50 ms. */
export async function eventually(
  check: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 15000,
): Promise<void> {
  // performance.now(), not Date.now(): tests that stub the wall clock still get a bounded wait.
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}
