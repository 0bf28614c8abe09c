import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { InProcessEventBus } from '../../src/events/event-bus';
import { EventFeed } from '../../src/events/event-feed';
import { EventLog } from '../../src/events/event-log';
import type { RegistryEvent } from '../../src/events/registry-event';
import { openStore, type Store } from '../../src/store/open-store';
import { logEvent } from '../helpers/events';

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

  beforeEach(async () => {
    store = await openStore(mkdtempSync(join(tmpdir(), 'regql-feed-')));
    eventLog = new EventLog(store.db);
    feed = open();
    await feed.start();
  });
  afterEach(async () => {
    await feed.stop();
    await store.close();
  });

  it('gives strictly increasing ids and delivers in log order to each subscriber that accepts the event', async () => {
    const services = { feed, eventLog };
    const everything = feed.subscribe({ ...all, after: null });
    const onlyA = feed.subscribe({ ...all, after: null, readable: (ns) => ns === 'a' });
    const logged: RegistryEvent[] = [];
    for (const namespace of ['a', 'b', 'a']) logged.push(await logEvent(services, { namespace }));
    expect(logged.map((e) => Number(e.id))).toEqual([0, 1, 2].map((i) => Number(logged[0].id) + i));
    expect((await take(everything, 3)).map((e) => e.id)).toEqual(logged.map((e) => e.id));
    expect((await take(onlyA, 2)).map((e) => e.id)).toEqual([logged[0].id, logged[2].id]);
    await everything.return!();
    await onlyA.return!();
    expect(feed.subscriberCount()).toBe(0);
  });

  it('replays the log after an id, then continues live, with no gap and no duplicate under concurrent appends', async () => {
    const services = { feed, eventLog };
    const before: RegistryEvent[] = [];
    for (let i = 0; i < 450; i++)
      before.push(await logEvent(services, { namespace: 'a', tag: `t${i}` }));
    const resumeAfter = Number(before[49].id);
    const resumed = feed.subscribe({ ...all, after: resumeAfter });
    const writing = (async () => {
      for (let i = 0; i < 300; i++) await logEvent(services, { namespace: 'a', tag: `live${i}` });
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
    const services = { feed, eventLog };
    const start = await logEvent(services, { namespace: 'a' });
    await logEvent(services, { namespace: 'b' });
    const wanted = await logEvent(services, { namespace: 'a', type: 'IMAGE_PUSHED' });
    await logEvent(services, { namespace: 'a', type: 'IMPORT_FAILED' });
    const sub = feed.subscribe({
      ...all,
      after: Number(start.id),
      readable: (ns) => ns === 'a',
      filter: { types: ['IMAGE_PUSHED'] },
    });
    expect((await sub.next()).value.id).toBe(wanted.id);
    const live = await logEvent(services, { namespace: 'a', type: 'IMAGE_PUSHED' });
    expect((await sub.next()).value.id).toBe(live.id);
    await sub.return!();
  });

  it('keeps replaying from the log when live events overflow the buffer during a long replay', async () => {
    await feed.stop();
    feed = open(3);
    await feed.start();
    const services = { feed, eventLog };
    const before: RegistryEvent[] = [];
    for (let i = 0; i < 500; i++) before.push(await logEvent(services, { namespace: 'a' }));
    await feed.caughtUp();
    const sub = feed.subscribe({ ...all, after: Number(before[0].id) });
    const got = await take(sub, 10);
    const live: RegistryEvent[] = [];
    for (let i = 0; i < 50; i++) live.push(await logEvent(services, { namespace: 'a' }));
    await new Promise((resolve) => setImmediate(resolve));
    got.push(...(await take(sub, 499 + 50 - 10)));
    expect(got.map((e) => e.id)).toEqual([...before.slice(1), ...live].map((e) => e.id));
    expect(feed.subscriberCount()).toBe(1);
    await sub.return!();
  });

  it('stops a replay that the retention prune overtakes instead of skipping events', async () => {
    const services = { feed, eventLog };
    const old: RegistryEvent[] = [];
    for (let i = 0; i < 450; i++)
      old.push(
        await logEvent(services, { namespace: 'a', occurredAt: '2020-01-01T00:00:00.000Z' }),
      );
    await logEvent(services, { namespace: 'a' });
    await feed.caughtUp();
    const sub = feed.subscribe({ ...all, after: Number(old[0].id) });
    expect((await take(sub, 10)).map((e) => e.id)).toEqual(old.slice(1, 11).map((e) => e.id));
    await eventLog.prune('2021-01-01T00:00:00.000Z');
    await expect(take(sub, 500)).rejects.toMatchObject({ code: 'EVENTS_EXPIRED' });
    expect(feed.subscriberCount()).toBe(0);
  });

  it('ends a subscriber that falls behind with an error naming the last delivered id, without holding others', async () => {
    await feed.stop();
    feed = open(3);
    await feed.start();
    const services = { feed, eventLog };
    const slow = feed.subscribe({ ...all, after: null });
    const fast = feed.subscribe({ ...all, after: null });
    const first = await logEvent(services, { namespace: 'a' });
    expect((await slow.next()).value.id).toBe(first.id);
    expect((await fast.next()).value.id).toBe(first.id);
    for (let i = 0; i < 5; i++) {
      const e = await logEvent(services, { namespace: 'a' });
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

  it('ends the subscriptions of a token that no longer exists even without a signal', async () => {
    await feed.stop();
    feed = open(1000, 50);
    await feed.start();
    const sub = feed.subscribe({ ...all, tokenId: 'gone', after: null });
    const kept = feed.subscribe({ ...all, after: null });
    await expect(sub.next()).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(feed.subscriberCount()).toBe(1);
    await kept.return!();
  });

  it('refuses to resume before the retention horizon instead of skipping events silently', async () => {
    const services = { feed, eventLog };
    const old = await logEvent(services, {
      namespace: 'a',
      occurredAt: '2020-01-01T00:00:00.000Z',
    });
    const kept = await logEvent(services, { namespace: 'a' });
    expect(await eventLog.prune('2021-01-01T00:00:00.000Z')).toBe(1);
    expect(await eventLog.prunedThrough()).toBe(Number(old.id));
    await feed.stop();
    feed = open();
    await feed.start();
    const fromOld = feed.subscribe({ ...all, after: Number(old.id) });
    expect((await fromOld.next()).value.id).toBe(kept.id);
    const tooOld = feed.subscribe({ ...all, after: Number(old.id) - 1 });
    await expect(tooOld.next()).rejects.toMatchObject({ code: 'EVENTS_EXPIRED' });
    await fromOld.return!();
    expect(feed.subscriberCount()).toBe(0);
  });

  it('prunes by position, so an event with an odd timestamp takes no newer event with it', async () => {
    const services = { feed, eventLog };
    const fresh = await logEvent(services, { namespace: 'a' });
    await logEvent(services, { namespace: 'a', occurredAt: '1970-01-01T00:00:00.000Z' });
    await logEvent(services, { namespace: 'a' });
    expect(await eventLog.prune(new Date(Date.now() - 86_400_000).toISOString())).toBe(0);
    const all3 = await eventLog.read({ after: 0, readable: null, filter: {}, limit: 10 });
    expect(all3).toHaveLength(3);
    expect(all3[0].id).toBe(fresh.id);
  });

  it('never reuses an id, even after the newest events are pruned', async () => {
    const services = { feed, eventLog };
    const last = await logEvent(services, {
      namespace: 'a',
      occurredAt: '2020-01-01T00:00:00.000Z',
    });
    await eventLog.prune('2021-01-01T00:00:00.000Z');
    const next = await logEvent(services, { namespace: 'a' });
    expect(Number(next.id)).toBeGreaterThan(Number(last.id));
  });
});
