import pino from 'pino';
import { InProcessEventBus } from '../../src/events/event-bus';
import { EventFeed } from '../../src/events/event-feed';
import { EventLog } from '../../src/events/event-log';
import type { RegistryEvent } from '../../src/events/registry-event';
import type { Store } from '../../src/store/open-store';
import { eventually, logEvent } from '../helpers/events';
import { openTestStore } from '../helpers/postgres';

async function take(it: AsyncIterator<RegistryEvent>, n: number): Promise<RegistryEvent[]> {
  const out: RegistryEvent[] = [];
  for (let i = 0; i < n; i++) {
    const next = await it.next();
    if (next.done) break;
    out.push(next.value);
  }
  return out;
}

describe('event feed over the durable log', () => {
  let store: Store;
  let eventLog: EventLog;
  let feed: EventFeed;
  const open = (bufferSize = 1000, pollMs = 60_000) =>
    new EventFeed(
      eventLog,
      new InProcessEventBus(),
      {
        bufferSize,
        pollMs,
        existingTokens: async (ids) => new Set(ids.filter((id) => id !== 'gone')),
      },
      pino({ level: 'silent' }),
    );
  const all = { filter: {}, readable: () => true, tokenId: 'tok-a' };
  const append = (draft: Parameters<typeof logEvent>[1]) => logEvent({ feed, eventLog }, draft);
  /** Replaces the started feed with one of other settings. */
  const reopen = async (bufferSize?: number, pollMs?: number) => {
    await feed.stop();
    feed = open(bufferSize, pollMs);
    await feed.start();
  };

  beforeEach(async () => {
    store = await openTestStore('regql-feed-');
    eventLog = new EventLog(store.db);
    feed = open();
    await feed.start();
  });
  afterEach(async () => {
    await feed.stop();
    await store.close();
  });

  it('gives strictly increasing ids and delivers in log order to each subscriber that accepts the event', async () => {
    const everything = feed.subscribe({ ...all, after: null });
    const onlyA = feed.subscribe({ ...all, after: null, readable: (ns) => ns === 'a' });
    const logged: RegistryEvent[] = [];
    for (const namespace of ['a', 'b', 'a']) logged.push(await append({ namespace }));
    expect(logged.map((e) => Number(e.id))).toEqual([0, 1, 2].map((i) => Number(logged[0].id) + i));
    expect((await take(everything, 3)).map((e) => e.id)).toEqual(logged.map((e) => e.id));
    expect((await take(onlyA, 2)).map((e) => e.id)).toEqual([logged[0].id, logged[2].id]);
    await everything.return!();
    await onlyA.return!();
    expect(feed.subscriberCount()).toBe(0);
  });

  it('replays the log after an id, then continues live, with no gap and no duplicate under concurrent appends', async () => {
    const before: RegistryEvent[] = [];
    for (let i = 0; i < 450; i++) before.push(await append({ namespace: 'a', tag: `t${i}` }));
    const resumeAfter = Number(before[49].id);
    const resumed = feed.subscribe({ ...all, after: resumeAfter });
    const writing = (async () => {
      for (let i = 0; i < 300; i++) await append({ namespace: 'a', tag: `live${i}` });
    })();
    const got = await take(resumed, 400 + 300);
    await writing;
    const ids = got.map((e) => Number(e.id));
    expect(ids[0]).toBe(resumeAfter + 1);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids[ids.length - 1] - ids[0]).toBe(ids.length - 1);
    expect(got.filter((e) => e.tag?.startsWith('live'))).toHaveLength(300);
    await resumed.return!();
  });

  it('replays only the events the subscriber may read and asked for', async () => {
    const start = await append({ namespace: 'a' });
    await append({ namespace: 'b' });
    const wanted = await append({ namespace: 'a', type: 'IMAGE_PUSHED' });
    await append({ namespace: 'a', type: 'IMPORT_FAILED' });
    const sub = feed.subscribe({
      ...all,
      after: Number(start.id),
      readable: (ns) => ns === 'a',
      filter: { types: ['IMAGE_PUSHED'] },
    });
    expect((await sub.next()).value.id).toBe(wanted.id);
    const live = await append({ namespace: 'a', type: 'IMAGE_PUSHED' });
    expect((await sub.next()).value.id).toBe(live.id);
    await sub.return!();
  });

  it('keeps replaying from the log when live events overflow the buffer during a long replay', async () => {
    await reopen(3);
    const before: RegistryEvent[] = [];
    for (let i = 0; i < 500; i++) before.push(await append({ namespace: 'a' }));
    await feed.catchUp();
    const sub = feed.subscribe({ ...all, after: Number(before[0].id) });
    const got = await take(sub, 10);
    const live: RegistryEvent[] = [];
    for (let i = 0; i < 50; i++) live.push(await append({ namespace: 'a' }));
    await new Promise((resolve) => setImmediate(resolve));
    got.push(...(await take(sub, 499 + 50 - 10)));
    expect(got.map((e) => e.id)).toEqual([...before.slice(1), ...live].map((e) => e.id));
    expect(feed.subscriberCount()).toBe(1);
    await sub.return!();
  });

  it('stops a replay that the retention prune overtakes instead of skipping events', async () => {
    const old: RegistryEvent[] = [];
    for (let i = 0; i < 450; i++)
      old.push(await append({ namespace: 'a', occurredAt: '2020-01-01T00:00:00.000Z' }));
    await append({ namespace: 'a' });
    await feed.catchUp();
    const sub = feed.subscribe({ ...all, after: Number(old[0].id) });
    expect((await take(sub, 10)).map((e) => e.id)).toEqual(old.slice(1, 11).map((e) => e.id));
    await eventLog.prune('2021-01-01T00:00:00.000Z');
    await expect(take(sub, 500)).rejects.toMatchObject({ code: 'EVENTS_EXPIRED' });
    expect(feed.subscriberCount()).toBe(0);
  });

  it('ends a subscriber that falls behind with an error naming the last delivered id, without holding others', async () => {
    await reopen(3);
    const slow = feed.subscribe({ ...all, after: null });
    const fast = feed.subscribe({ ...all, after: null });
    const first = await append({ namespace: 'a' });
    expect((await slow.next()).value.id).toBe(first.id);
    expect((await fast.next()).value.id).toBe(first.id);
    for (let i = 0; i < 5; i++) {
      const e = await append({ namespace: 'a' });
      expect((await fast.next()).value.id).toBe(e.id);
    }
    await expect(slow.next()).rejects.toMatchObject({
      code: 'SUBSCRIBER_TOO_SLOW',
      message: expect.stringMatching(new RegExp(`after: ${first.id}$`)),
    });
    expect(feed.subscriberCount()).toBe(1);
    await fast.return!();
  });

  it('ends the subscriptions of a revoked token and refuses new ones', async () => {
    const sub = feed.subscribe({ ...all, after: null });
    const pending = sub.next();
    feed.revoke('tok-a');
    await expect(pending).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(() => feed.subscribe({ ...all, after: null })).toThrow(/revoked/);
  });

  it('forgets a revoked token after five minutes, when the store alone refuses it', async () => {
    await reopen(1000, 20);
    feed.revoke('tok-old');
    const revokedAt = Date.now();
    const clock = jest.spyOn(Date, 'now').mockReturnValue(revokedAt + 4 * 60_000);
    try {
      await new Promise((r) => setTimeout(r, 100));
      expect(feed.isRevoked('tok-old')).toBe(true);
      clock.mockReturnValue(revokedAt + 5 * 60_000 + 1000);
      await eventually(() => !feed.isRevoked('tok-old'), 'the revocation to be forgotten');
      expect(feed.isRevoked('tok-old')).toBe(false);
    } finally {
      clock.mockRestore();
    }
  });

  it('ends the subscriptions of a token that no longer exists even without a signal', async () => {
    await reopen(1000, 50);
    const sub = feed.subscribe({ ...all, tokenId: 'gone', after: null });
    const kept = feed.subscribe({ ...all, after: null });
    await expect(sub.next()).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(feed.subscriberCount()).toBe(1);
    await kept.return!();
  });

  it('refuses to resume before the retention horizon instead of skipping events silently', async () => {
    const old = await append({
      namespace: 'a',
      occurredAt: '2020-01-01T00:00:00.000Z',
    });
    const kept = await append({ namespace: 'a' });
    expect(await eventLog.prune('2021-01-01T00:00:00.000Z')).toBe(1);
    expect(await eventLog.prunedThrough()).toBe(Number(old.id));
    await reopen();
    const fromOld = feed.subscribe({ ...all, after: Number(old.id) });
    expect((await fromOld.next()).value.id).toBe(kept.id);
    const tooOld = feed.subscribe({ ...all, after: Number(old.id) - 1 });
    await expect(tooOld.next()).rejects.toMatchObject({ code: 'EVENTS_EXPIRED' });
    await fromOld.return!();
    expect(feed.subscriberCount()).toBe(0);
  });

  it('prunes by position, so an event with an odd timestamp takes no newer event with it', async () => {
    const fresh = await append({ namespace: 'a' });
    await append({ namespace: 'a', occurredAt: '1970-01-01T00:00:00.000Z' });
    await append({ namespace: 'a' });
    expect(await eventLog.prune(new Date(Date.now() - 86_400_000).toISOString())).toBe(0);
    const all3 = await eventLog.read({ after: 0, readable: null, filter: {}, limit: 10 });
    expect(all3).toHaveLength(3);
    expect(all3[0].id).toBe(fresh.id);
  });

  it('never reuses an id, even after the newest events are pruned', async () => {
    const last = await append({
      namespace: 'a',
      occurredAt: '2020-01-01T00:00:00.000Z',
    });
    await eventLog.prune('2021-01-01T00:00:00.000Z');
    const next = await append({ namespace: 'a' });
    expect(Number(next.id)).toBeGreaterThan(Number(last.id));
  });
});
