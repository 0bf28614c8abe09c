import WebSocket from 'ws';
import { eventually, logEvent } from '../helpers/events';
import { inTransaction } from '../../src/streams/stream-stores';
import { ADMIN_TOKEN, startTestServer, type TestServer } from '../helpers/server';
import { watchEvents } from '../helpers/watch-events';

const BUFFER = 20;
const EVENTS = 400;
/** Big events, so that a client that stops reading fills the socket buffers quickly. */
const MESSAGE = 'x'.repeat(60_000);

interface RawMessage {
  type: string;
  id?: string;
  payload?: unknown;
}

/** A graphql-transport-ws client on a raw socket, so that it can stop reading. */
async function rawSubscriber(
  server: TestServer,
): Promise<{ ws: WebSocket; messages: RawMessage[] }> {
  const ws = new WebSocket(server.url.replace(/^http/, 'ws') + '/graphql', 'graphql-transport-ws');
  const messages: RawMessage[] = [];
  ws.on('message', (data: Buffer) =>
    messages.push(JSON.parse(data.toString('utf8')) as RawMessage),
  );
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  ws.send(JSON.stringify({ type: 'connection_init', payload: { authorization: ADMIN_TOKEN } }));
  await eventually(() => messages.some((m) => m.type === 'connection_ack'), 'the ack');
  ws.send(
    JSON.stringify({
      type: 'subscribe',
      id: 's1',
      payload: {
        query: 'subscription { registryEvents(filter: { namespace: "slow" }) { id message } }',
      },
    }),
  );
  return { ws, messages };
}

describe('subscribers and their bounded buffers', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ env: { REGQL_EVENT_SUBSCRIBER_BUFFER: String(BUFFER) } });
  });
  afterAll(() => server.close());

  it('gives a burst far larger than the buffer, logged in one transaction, to a subscriber that keeps up', async () => {
    const fast = watchEvents(server.url, ADMIN_TOKEN, { namespace: 'burst' });
    await eventually(() => server.app.services.feed.subscriberCount() === 1, 'the subscription');
    const { db, feed } = server.app.services;
    const logged = await inTransaction(db, async (trx) => {
      const ids: string[] = [];
      for (let i = 0; i < 25 * BUFFER; i++)
        ids.push(
          (
            await trx.events.append({
              type: 'TAG_UPDATED',
              occurredAt: new Date().toISOString(),
              namespace: 'burst',
              stream: 'app',
              tag: `t${i}`,
              registry: null,
              repository: null,
              digest: null,
              previousDigest: null,
              message: null,
            })
          ).id,
        );
      return ids;
    });
    feed.appended();
    await eventually(() => fast.events.length === logged.length, 'the whole burst');
    expect(fast.errors).toEqual([]);
    expect(fast.events.map((e) => e.id)).toEqual(logged);
    await fast.stop();
  });

  it('is ended with SUBSCRIBER_TOO_SLOW naming the last id it was sent, holds nobody up, and resumes from there without a gap', async () => {
    const { ws, messages } = await rawSubscriber(server);
    const fast = watchEvents(server.url, ADMIN_TOKEN, { namespace: 'slow' });
    await eventually(() => server.app.services.feed.subscriberCount() === 2, 'both subscriptions');
    ws.pause();
    const logged: string[] = [];
    for (let i = 0; i < EVENTS; i++)
      logged.push(
        (await logEvent(server.app.services, { namespace: 'slow', message: MESSAGE })).id,
      );
    await eventually(() => fast.events.length === EVENTS, 'the fast subscriber', 30_000);
    expect(fast.events.map((e) => e.id)).toEqual(logged);
    await fast.stop();

    await eventually(() => server.app.services.feed.subscriberCount() === 0, 'the slow end');
    ws.resume();
    await eventually(
      () => messages.some((m) => m.type === 'error' || m.type === 'complete'),
      'the error message',
      30_000,
    );
    const received = messages
      .filter((m) => m.type === 'next')
      .map(
        (m) => (m.payload as { data: { registryEvents: { id: string } } }).data.registryEvents.id,
      );
    const error = messages.find((m) => m.type === 'error')!;
    const [detail] = error.payload as { message: string; extensions: { code: string } }[];
    expect(detail.extensions.code).toBe('SUBSCRIBER_TOO_SLOW');
    const resumeAfter = /after: (\d+)$/.exec(detail.message)![1];
    expect(resumeAfter).toBe(received.at(-1));
    expect(received.length).toBeLessThan(EVENTS);
    ws.close();

    const resumed = watchEvents(server.url, ADMIN_TOKEN, { namespace: 'slow', after: resumeAfter });
    await eventually(() => received.length + resumed.events.length === EVENTS, 'the rest', 30_000);
    await resumed.stop();
    expect([...received, ...resumed.events.map((e) => e.id)]).toEqual(logged);
  });
});
