import { InProcessEventBus } from '../../src/events/event-bus';
import type { RegistryEvent } from '../../src/events/registry-event';

const event = (id: string): RegistryEvent => ({
  id,
  type: 'IMAGE_PUSHED',
  occurredAt: new Date(0).toISOString(),
  namespace: 'ns',
  stream: 's',
  tag: 't',
  registry: null,
  repository: null,
  digest: null,
  previousDigest: null,
  message: null,
});

describe('in-process event bus', () => {
  it('delivers in order to each subscriber that accepts the event', async () => {
    const bus = new InProcessEventBus();
    const all = bus.subscribe(() => true);
    const odd = bus.subscribe((e) => Number(e.id) % 2 === 1);
    for (const id of ['1', '2', '3']) bus.publish(event(id));
    const take = async (it: AsyncIterator<RegistryEvent>, n: number) => {
      const ids: string[] = [];
      for (let i = 0; i < n; i++) ids.push(((await it.next()).value as RegistryEvent).id);
      return ids;
    };
    expect(await take(all, 3)).toEqual(['1', '2', '3']);
    expect(await take(odd, 2)).toEqual(['1', '3']);
    await all.return!();
    await odd.return!();
    expect(bus.subscriberCount()).toBe(0);
  });

  it('ends a subscriber that falls behind with an error naming the last delivered id, without blocking others', async () => {
    const bus = new InProcessEventBus(3);
    const slow = bus.subscribe(() => true);
    const fast = bus.subscribe(() => true);
    bus.publish(event('1'));
    expect((await slow.next()).value.id).toBe('1');
    expect((await fast.next()).value.id).toBe('1');
    const fastIds: string[] = [];
    for (const id of ['2', '3', '4', '5', '6']) {
      bus.publish(event(id));
      fastIds.push((await fast.next()).value.id);
    }
    expect(fastIds).toEqual(['2', '3', '4', '5', '6']);
    await expect(slow.next()).rejects.toMatchObject({
      code: 'SUBSCRIBER_TOO_SLOW',
      message: expect.stringMatching(/after: 1$/),
    });
    expect(bus.subscriberCount()).toBe(1);
  });
});
