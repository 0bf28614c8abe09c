import {
  AddTriggerDocument,
  CreateTokenDocument,
  EventsDocument,
  RemoveTriggerDocument,
  TriggersDocument,
  type AddTriggerInput,
  type TriggersQuery,
} from '../generated/graphql';
import { verifySignature } from '../../src/events/triggers/signature';
import { metricsText } from '../helpers/metrics';
import { eventually } from '../helpers/events';
import { errorCodes, startTestServer, type TestServer } from '../helpers/server';
import { basicAuth } from '../helpers/basic-auth';
import { pushSyntheticImage } from '../helpers/synthetic-images';
import {
  startTriggerReceiver,
  type ReceivedDelivery,
  type TriggerReceiver,
} from '../helpers/trigger-receiver';

type Delivery = TriggersQuery['triggers'][number]['deliveries'][number];

/** The receivers run on loopback, which triggers may only call when this is allowed. */
const settings = {
  REGQL_TRIGGER_PRIVATE_NETWORKS: 'true',
  REGQL_TRIGGER_RETRY_BASE_MS: '100',
  REGQL_TRIGGER_MAX_RETRY_SECONDS: '2',
  REGQL_TRIGGER_TIMEOUT_MS: '1000',
};

const eventOf = (r: ReceivedDelivery) =>
  JSON.parse(r.body.toString('utf8')) as { id: string; type: string; stream: string; tag: string };
const header = (r: ReceivedDelivery, name: string) => r.headers[name.toLowerCase()] as string;

describe('outbound triggers', () => {
  let server: TestServer;
  let receiver: TriggerReceiver;
  let editor: string;
  let viewer: string;
  let otherEditor: string;

  const token = async (namespace: string, role: 'EDITOR' | 'VIEWER') =>
    (await server.gql(CreateTokenDocument, { input: { namespace, role } })).data!.createToken.token;
  const push = (stream: string, tag: string, via = server) =>
    pushSyntheticImage(via.url, `team-a/${stream}`, tag, {
      authorization: basicAuth('ci', editor),
    });
  const addTrigger = async (input: Partial<AddTriggerInput> & { path: string }) => {
    const { path, ...rest } = input;
    const response = await server.gql(AddTriggerDocument, {
      input: { namespace: 'team-a', url: `${receiver.url}${path}`, ...rest },
    });
    expect(response.errors).toBeUndefined();
    return response.data!.addTrigger;
  };
  const deliveriesOf = async (id: string, first = 100): Promise<Delivery[]> => {
    const response = await server.gql(TriggersDocument, { namespace: 'team-a', first });
    return response.data!.triggers.find((t) => t.id === id)?.deliveries ?? [];
  };
  const settledLog = async (id: string): Promise<Delivery[]> => {
    let deliveries: Delivery[] = [];
    await eventually(async () => {
      deliveries = await deliveriesOf(id);
      return deliveries.length > 0 && deliveries.every((d) => d.status !== 'PENDING');
    }, 'the delivery log to settle');
    return deliveries;
  };
  const at = (path: string) => receiver.received.filter((r) => r.path === path);
  const accepted = (path: string) => at(path).filter((r) => r.status < 300);

  beforeAll(async () => {
    server = await startTestServer({ env: settings });
    editor = await token('team-a', 'EDITOR');
    viewer = await token('team-a', 'VIEWER');
    otherEditor = await token('team-b', 'EDITOR');
  });
  beforeEach(async () => {
    receiver = await startTriggerReceiver();
  });
  afterEach(() => receiver.close());
  afterAll(() => server.close());

  it('POSTs each event as JSON, signed over the exact body bytes, with its type and delivery id', async () => {
    const trigger = await addTrigger({ path: '/signed', stream: 'signed' });
    expect(trigger.secret).toEqual(expect.any(String));
    const image = await push('signed', 'v1');
    await eventually(() => at('/signed').length === 2, 'both events of the push');

    const log = await server.gql(EventsDocument, { namespace: 'team-a', first: 500 });
    const logged = log.data!.events.edges.map((e) => e.node).filter((e) => e.stream === 'signed');
    const deliveries = await deliveriesOf(trigger.id);
    for (const [i, request] of at('/signed').entries()) {
      const signature = header(request, 'X-Regql-Signature-256');
      expect(signature).toMatch(/^sha256=[0-9a-f]{64}$/);
      expect(verifySignature(trigger.secret!, request.body, signature)).toBe(true);
      expect(verifySignature('another-secret-of-some-length', request.body, signature)).toBe(false);
      const reformatted = JSON.stringify(JSON.parse(request.body.toString('utf8')), null, 1);
      expect(verifySignature(trigger.secret!, reformatted, signature)).toBe(false);
      expect(request.headers['content-type']).toBe('application/json');

      const event = JSON.parse(request.body.toString('utf8'));
      expect(Object.keys(event)).toEqual([
        'id',
        'type',
        'occurredAt',
        'namespace',
        'stream',
        'tag',
        'registry',
        'repository',
        'digest',
        'previousDigest',
        'message',
      ]);
      expect(event).toMatchObject({ ...logged[i], digest: image.digest });
      expect(header(request, 'X-Regql-Event')).toBe(event.type);
      const delivery = deliveries.find((d) => d.eventId === event.id)!;
      expect(header(request, 'X-Regql-Delivery')).toBe(delivery.id);
    }
    expect(verifySignature(trigger.secret!, at('/signed')[0].body, undefined)).toBe(false);
  });

  it("delivers a stream's events in log order to a slow receiver, retrying a 500 first", async () => {
    receiver.answer = (_, index) => (index === 0 ? { status: 500 } : { status: 200, delayMs: 150 });
    const trigger = await addTrigger({ path: '/ordered', stream: 'ordered' });
    for (const tag of ['v1', 'v2', 'v3']) await push('ordered', tag);
    await eventually(() => accepted('/ordered').length === 6, 'six delivered events');

    const log = await server.gql(EventsDocument, { namespace: 'team-a', first: 500 });
    const ids = log
      .data!.events.edges.filter((e) => e.node.stream === 'ordered')
      .map((e) => e.node.id);
    expect(at('/ordered').map((r) => eventOf(r).id)).toEqual([ids[0], ...ids]);
    expect(at('/ordered').map((r) => r.status)).toEqual([500, 200, 200, 200, 200, 200, 200]);

    const deliveries = await settledLog(trigger.id);
    expect(deliveries.map((d) => d.eventId)).toEqual([...ids].reverse());
    const first = deliveries.at(-1)!;
    expect(first).toMatchObject({
      status: 'DELIVERED',
      attempts: 2,
      lastError: 'HTTP 500',
      lastStatusCode: 200,
      nextAttemptAt: null,
    });
    for (const d of deliveries.slice(0, -1))
      expect(d).toMatchObject({ status: 'DELIVERED', attempts: 1, lastError: null });
    const metrics = await metricsText(server.url);
    expect(metrics).toMatch(/^regql_trigger_attempts_total\{result="RETRY"\} [1-9]/m);
    expect(metrics).toMatch(/^regql_trigger_attempts_total\{result="DELIVERED"\} [1-9]/m);
  });

  it('waits as long as a 429 answer asks in Retry-After', async () => {
    receiver.answer = (_, index) =>
      index === 0 ? { status: 429, headers: { 'retry-after': '1' } } : { status: 204 };
    const trigger = await addTrigger({
      path: '/limited',
      stream: 'limited',
      types: ['IMAGE_PUSHED'],
    });
    await push('limited', 'v1');
    await eventually(() => accepted('/limited').length === 1, 'the delivery after the wait');
    const [limited, retried] = at('/limited');
    expect(retried.receivedAt - limited.receivedAt).toBeGreaterThanOrEqual(950);
    expect((await settledLog(trigger.id))[0]).toMatchObject({
      status: 'DELIVERED',
      attempts: 2,
      lastError: 'HTTP 429',
      lastStatusCode: 204,
    });
  });

  it('retries an attempt that gets no answer within the timeout', async () => {
    receiver.answer = (_, index) => ({ status: 200, delayMs: index === 0 ? 1500 : 0 });
    const trigger = await addTrigger({ path: '/slow', stream: 'slow', types: ['TAG_UPDATED'] });
    await push('slow', 'v1');
    const [delivery] = await settledLog(trigger.id);
    expect(at('/slow')).toHaveLength(2);
    expect(delivery).toMatchObject({
      status: 'DELIVERED',
      attempts: 2,
      lastError: 'no answer within 1000 ms',
    });
  });

  it('marks a delivery FAILED with its last error once the retry time is used up', async () => {
    receiver.answer = () => ({ status: 500 });
    const trigger = await addTrigger({ path: '/down', stream: 'down', types: ['TAG_UPDATED'] });
    await push('down', 'v1');
    const [delivery] = await settledLog(trigger.id);
    expect(delivery.status).toBe('FAILED');
    expect(delivery.attempts).toBeGreaterThanOrEqual(3);
    expect(delivery.lastError).toBe(`HTTP 500; gave up after ${delivery.attempts} attempts`);
    expect(delivery.lastStatusCode).toBe(500);
    const requests = at('/down');
    expect(requests).toHaveLength(delivery.attempts);
    expect(requests.at(-1)!.receivedAt - requests[0].receivedAt).toBeLessThanOrEqual(2000);
    expect(server.logs.some((l) => l.includes('trigger delivery failed'))).toBe(true);

    receiver.answer = () => ({ status: 404 });
    const gone = await addTrigger({ path: '/gone', stream: 'down', types: ['IMAGE_PUSHED'] });
    await push('down', 'v2');
    expect((await settledLog(gone.id))[0]).toMatchObject({
      status: 'FAILED',
      attempts: 1,
      lastError: 'HTTP 404',
    });
  });

  it("sends only what a trigger's namespace, stream, tag and types select, and lists the log newest first", async () => {
    const stream = await addTrigger({ path: '/stream', stream: 'filtered' });
    const tag = await addTrigger({ path: '/tag', stream: 'filtered', tag: 'wanted' });
    const types = await addTrigger({ path: '/types', stream: 'filtered', types: ['IMAGE_PUSHED'] });
    const everything = await addTrigger({ path: '/all' });
    const elsewhere = await server.gql(AddTriggerDocument, {
      input: { namespace: 'team-b', url: `${receiver.url}/team-b` },
    });
    expect(elsewhere.errors).toBeUndefined();

    await push('filtered', 'wanted');
    await push('filtered', 'other');
    await push('unfiltered', 'wanted');
    await eventually(() => at('/all').length === 6, 'every event at the unfiltered trigger');
    await eventually(
      () => at('/stream').length === 4 && at('/tag').length === 2 && at('/types').length === 2,
      'the filtered deliveries',
    );
    const seen = (path: string) =>
      at(path).map((r) => [eventOf(r).stream, eventOf(r).tag, eventOf(r).type]);
    expect(seen('/tag')).toEqual([
      ['filtered', 'wanted', 'IMAGE_PUSHED'],
      ['filtered', 'wanted', 'TAG_UPDATED'],
    ]);
    expect(seen('/types')).toEqual([
      ['filtered', 'wanted', 'IMAGE_PUSHED'],
      ['filtered', 'other', 'IMAGE_PUSHED'],
    ]);
    expect(seen('/stream').every(([s]) => s === 'filtered')).toBe(true);
    expect(at('/team-b')).toEqual([]);

    const listed = await server.gql(TriggersDocument, { namespace: 'team-a', first: 2 }, viewer);
    const byId = new Map(listed.data!.triggers.map((t) => [t.id, t]));
    expect(byId.get(types.id)).toMatchObject({
      stream: 'filtered',
      tag: null,
      types: ['IMAGE_PUSHED'],
    });
    expect(byId.get(stream.id)!.types).toEqual([]);
    expect(byId.get(tag.id)!.url).toBe(`${receiver.url}/tag`);
    const newest = byId.get(everything.id)!.deliveries;
    const allIds = at('/all').map((r) => eventOf(r).id);
    expect(newest.map((d) => d.eventId)).toEqual(allIds.slice(-2).reverse());
    expect(
      errorCodes(await server.gql(TriggersDocument, { namespace: 'team-a', first: 101 })),
    ).toEqual(['BAD_USER_INPUT']);

    for (const t of [stream, tag, types, everything, elsewhere.data!.addTrigger])
      await server.gql(RemoveTriggerDocument, { id: t.id });
  });

  it('stops delivering when a trigger is removed', async () => {
    const removed = await addTrigger({ path: '/removed', stream: 'removal' });
    const control = await addTrigger({ path: '/control', stream: 'removal' });
    await push('removal', 'v1');
    await eventually(() => at('/removed').length === 2 && at('/control').length === 2, 'v1');

    const answer = await server.gql(RemoveTriggerDocument, { id: removed.id });
    expect(answer.data!.removeTrigger).toBe(true);
    await push('removal', 'v2');
    await eventually(() => at('/control').length === 4, 'v2 at the remaining trigger');
    expect(at('/removed')).toHaveLength(2);
    const listed = await server.gql(TriggersDocument, { namespace: 'team-a' });
    expect(listed.data!.triggers.map((t) => t.id)).not.toContain(removed.id);
    expect(errorCodes(await server.gql(RemoveTriggerDocument, { id: removed.id }))).toEqual([
      'NOT_FOUND',
    ]);
    await server.gql(RemoveTriggerDocument, { id: control.id });
  });

  it('lets editors manage and viewers read, and answers NOT_FOUND for a trigger the caller may not manage', async () => {
    const input = { namespace: 'team-a', url: `${receiver.url}/perm?token=receiver-own-token` };
    expect(errorCodes(await server.gql(AddTriggerDocument, { input }, viewer))).toEqual([
      'FORBIDDEN',
    ]);
    expect(errorCodes(await server.gql(AddTriggerDocument, { input }, otherEditor))).toEqual([
      'FORBIDDEN',
    ]);
    expect(errorCodes(await server.gql(AddTriggerDocument, { input }, null))).toEqual([
      'UNAUTHENTICATED',
    ]);
    const trigger = (await server.gql(AddTriggerDocument, { input }, editor)).data!.addTrigger;

    const read = await server.gql(TriggersDocument, { namespace: 'team-a' }, viewer);
    expect(read.data!.triggers.find((t) => t.id === trigger.id)?.url).toBe(
      `${receiver.url}/perm?…`,
    );
    const managed = await server.gql(TriggersDocument, { namespace: 'team-a' }, editor);
    expect(managed.data!.triggers.find((t) => t.id === trigger.id)?.url).toBe(input.url);
    expect(
      errorCodes(await server.gql(TriggersDocument, { namespace: 'team-a' }, otherEditor)),
    ).toEqual(['FORBIDDEN']);

    const missing = await server.gql(RemoveTriggerDocument, { id: 'trg_missing' }, viewer);
    for (const caller of [viewer, otherEditor]) {
      const refused = await server.gql(RemoveTriggerDocument, { id: trigger.id }, caller);
      expect(errorCodes(refused)).toEqual(['NOT_FOUND']);
      expect(refused.errors![0].message).toBe(
        missing.errors![0].message.replace('trg_missing', trigger.id),
      );
    }
    const still = await server.gql(TriggersDocument, { namespace: 'team-a' });
    expect(still.data!.triggers.map((t) => t.id)).toContain(trigger.id);
    expect((await server.gql(RemoveTriggerDocument, { id: trigger.id }, editor)).data).toEqual({
      removeTrigger: true,
    });
  });

  it('keeps at most 100 triggers in a namespace', async () => {
    const input = { namespace: 'team-cap', url: `${receiver.url}/cap` };
    for (let i = 0; i < 100; i++)
      expect((await server.gql(AddTriggerDocument, { input })).errors).toBeUndefined();
    const over = await server.gql(AddTriggerDocument, { input });
    expect(errorCodes(over)).toEqual(['BAD_USER_INPUT']);
    expect(over.errors![0].message).toMatch(/at most 100 triggers/);
  });

  it('refuses URLs, names, types and secrets it cannot use', async () => {
    const refused = async (input: Partial<AddTriggerInput>) =>
      errorCodes(
        await server.gql(AddTriggerDocument, {
          input: { namespace: 'team-a', url: `${receiver.url}/x`, ...input },
        }),
      );
    for (const url of [
      'ftp://example.com/hook',
      'not a url',
      'http://',
      `https://example.com/${'a'.repeat(2030)}`,
      'https://user:password@example.com/hook',
    ])
      expect([url.slice(0, 40), await refused({ url })]).toEqual([
        url.slice(0, 40),
        ['BAD_USER_INPUT'],
      ]);
    expect(await refused({ url: `https://example.com/${'a'.repeat(2000)}` })).toEqual([]);
    expect(await refused({ namespace: 'Team_A' })).toEqual(['BAD_USER_INPUT']);
    expect(await refused({ stream: 'Not-A-Label' })).toEqual(['BAD_USER_INPUT']);
    expect(await refused({ tag: '-bad' })).toEqual(['BAD_USER_INPUT']);
    expect(await refused({ secret: 'short' })).toEqual(['BAD_USER_INPUT']);
    const badType = await server.raw(
      `mutation { addTrigger(input: { namespace: "team-a", url: "${receiver.url}/x", types: [NOT_A_TYPE] }) { id } }`,
    );
    expect(badType.errors).toHaveLength(1);
    expect(badType.data ?? null).toBeNull();

    const listed = await server.gql(TriggersDocument, { namespace: 'team-a' });
    for (const t of listed.data!.triggers) await server.gql(RemoveTriggerDocument, { id: t.id });
  });

  it('shows the secret only in the addTrigger answer and never logs it', async () => {
    const chosen = 'a-secret-the-user-chose-0123456789';
    const own = await addTrigger({ path: '/own', stream: 'secret', secret: chosen });
    const generated = await addTrigger({ path: '/generated', stream: 'secret' });
    expect(own.secret).toBe(chosen);
    expect(generated.secret).toMatch(/^[A-Za-z0-9_-]{43}$/);

    await push('secret', 'v1');
    await eventually(() => at('/own').length === 2 && at('/generated').length === 2, 'deliveries');
    for (const r of at('/own'))
      expect(verifySignature(chosen, r.body, header(r, 'X-Regql-Signature-256'))).toBe(true);

    const listed = await server.gql(TriggersDocument, { namespace: 'team-a' });
    const text = JSON.stringify(listed);
    expect(listed.data!.triggers.every((t) => t.secret === null)).toBe(true);
    const logs = server.logs.join('\n');
    for (const secret of [chosen, generated.secret!]) {
      expect(text).not.toContain(secret);
      expect(logs).not.toContain(secret);
      for (const r of receiver.received) expect(r.body.toString('utf8')).not.toContain(secret);
    }
    const stored = await server.app.store.db
      .selectFrom('triggers')
      .select('sealed_secret')
      .execute();
    expect(stored.map((s) => s.sealed_secret).join()).not.toContain(chosen);
    for (const t of [own, generated]) await server.gql(RemoveTriggerDocument, { id: t.id });
  });

  it('sends each delivery once when two servers share the store, in order per stream', async () => {
    const second = await startTestServer({ env: settings, dataDir: server.dataDir });
    try {
      receiver.answer = () => ({ status: 200, delayMs: 50 });
      const trigger = await addTrigger({ path: '/shared', types: ['TAG_UPDATED'] });
      const streams = ['shared-a', 'shared-b', 'shared-c'];
      for (const tag of ['v1', 'v2', 'v3'])
        await Promise.all(streams.map((s, i) => push(s, tag, i % 2 === 0 ? server : second)));
      await eventually(() => at('/shared').length >= 9, 'nine deliveries');
      await eventually(
        async () => (await deliveriesOf(trigger.id)).every((d) => d.status === 'DELIVERED'),
        'every delivery recorded',
      );
      const deliveryIds = at('/shared').map((r) => header(r, 'X-Regql-Delivery'));
      expect(new Set(deliveryIds).size).toBe(deliveryIds.length);
      expect(deliveryIds).toHaveLength(9);
      for (const s of streams) {
        const tags = at('/shared')
          .map(eventOf)
          .filter((e) => e.stream === s)
          .map((e) => e.tag);
        expect([s, tags]).toEqual([s, ['v1', 'v2', 'v3']]);
      }
      await server.gql(RemoveTriggerDocument, { id: trigger.id });
    } finally {
      await second.close();
    }
  });
});
