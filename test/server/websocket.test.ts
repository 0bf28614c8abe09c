import { createClient, type Client } from 'graphql-ws';
import { print } from 'graphql';
import WebSocket from 'ws';
import {
  CreateTokenDocument,
  RegistryEventsDocument,
  RevokeTokenDocument,
  type RegistryEventsSubscription,
} from '../generated/graphql';
import { metricsText } from '../helpers/metrics';
import { eventually, logEvent } from '../helpers/events';
import { freePort } from '../helpers/processes';
import { ADMIN_TOKEN, startTestServer, type TestServer } from '../helpers/server';

function connect(server: TestServer, authorization?: string, lazy = true): Client {
  return createClient({
    url: server.url.replace(/^http/, 'ws') + '/graphql',
    webSocketImpl: WebSocket,
    connectionParams: authorization === undefined ? {} : { authorization },
    retryAttempts: 0,
    lazy,
  });
}

describe('graphql-ws on /graphql', () => {
  let server: TestServer;
  let teamA: string;
  beforeAll(async () => {
    server = await startTestServer({ env: { REGQL_MAX_DEPTH: '8' } });
    const res = await server.gql(CreateTokenDocument, {
      input: { namespace: 'team-a', role: 'VIEWER' },
    });
    teamA = res.data!.createToken.token;
  });
  afterAll(() => server.close());

  it('answers queries over the socket with the caller identity', async () => {
    const client = connect(server, `Bearer ${teamA}`);
    try {
      const result = await new Promise((resolve, reject) => {
        client.subscribe(
          { query: '{ viewer { namespace role } }' },
          { next: resolve, error: reject, complete: () => {} },
        );
      });
      expect(result).toEqual({ data: { viewer: { namespace: 'team-a', role: 'VIEWER' } } });
    } finally {
      await client.dispose();
    }
  });

  it('delivers events of readable namespaces only, and counts the open subscription', async () => {
    const client = connect(server, teamA);
    const received: RegistryEventsSubscription['registryEvents'][] = [];
    const stop = client.subscribe<RegistryEventsSubscription>(
      { query: print(RegistryEventsDocument), variables: {} },
      {
        next: (r) => received.push(r.data!.registryEvents),
        error: (e) => received.push(e as never),
        complete: () => {},
      },
    );
    try {
      await eventually(() => server.app.services.feed.subscriberCount() === 1, 'the subscription');
      const metrics = await metricsText(server.url);
      expect(metrics).toMatch(/^regql_subscriptions_open 1$/m);
      const services = server.app.services;
      await logEvent(services, { namespace: 'team-b' });
      const second = await logEvent(services, { namespace: 'team-a' });
      const third = await logEvent(services, { namespace: 'team-a', stream: 'api' });
      await eventually(() => received.length === 2, 'two events');
      expect(received.map((e) => [e.id, e.namespace, e.stream])).toEqual([
        [second.id, 'team-a', 'web'],
        [third.id, 'team-a', 'api'],
      ]);
    } finally {
      stop();
      await client.dispose();
    }
    await eventually(
      () => server.app.services.feed.subscriberCount() === 0,
      'the subscription to end',
    );
    const metrics = await metricsText(server.url);
    expect(metrics).toMatch(/^regql_subscriptions_open 0$/m);
  });

  it('counts subscriptions per connection, also for two clients on one port number with one operation id', async () => {
    const gauge = async () =>
      Number(/^regql_subscriptions_open (\d+)$/m.exec(await metricsText(server.url))?.[1]);
    const localPort = await freePort();
    const sockets = await Promise.all(
      ['127.0.0.1', '127.0.0.2'].map(async (localAddress) => {
        const ws = new WebSocket(
          server.url.replace(/^http/, 'ws') + '/graphql',
          'graphql-transport-ws',
          { localAddress, localPort },
        );
        const acked = new Promise((resolve) =>
          ws.on('message', (data: Buffer) => {
            if ((JSON.parse(data.toString()) as { type: string }).type === 'connection_ack')
              resolve(true);
          }),
        );
        await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
        ws.send(JSON.stringify({ type: 'connection_init', payload: { authorization: teamA } }));
        await acked;
        ws.send(
          JSON.stringify({
            type: 'subscribe',
            id: '1',
            payload: { query: 'subscription { registryEvents { id } }' },
          }),
        );
        return ws;
      }),
    );
    await eventually(async () => (await gauge()) === 2, 'two open subscriptions');
    for (const ws of sockets) {
      ws.close();
      await new Promise((resolve) => ws.once('close', resolve));
    }
    await eventually(() => server.app.services.feed.subscriberCount() === 0, 'both to end');
    expect(await gauge()).toBe(0);
  });

  it('filters by stream and type', async () => {
    const client = connect(server, ADMIN_TOKEN);
    const received: string[] = [];
    const stop = client.subscribe<RegistryEventsSubscription>(
      {
        query: print(RegistryEventsDocument),
        variables: { filter: { namespace: 'team-a', stream: 'api', types: ['TAG_UPDATED'] } },
      },
      {
        next: (r) => received.push(r.data!.registryEvents.id),
        error: () => {},
        complete: () => {},
      },
    );
    try {
      await eventually(() => server.app.services.feed.subscriberCount() === 1, 'the subscription');
      const services = server.app.services;
      await logEvent(services, { namespace: 'team-a', stream: 'web' });
      await logEvent(services, { namespace: 'team-a', stream: 'api', type: 'IMAGE_PUSHED' });
      const wanted = await logEvent(services, { namespace: 'team-a', stream: 'api' });
      await eventually(() => received.length === 1, 'one event');
      expect(received).toEqual([wanted.id]);
    } finally {
      stop();
      await client.dispose();
    }
  });

  it('refuses subscriptions without a token or to a forbidden namespace', async () => {
    const subscribeOnce = (client: Client, variables: Record<string, unknown>) =>
      new Promise<unknown>((resolve) => {
        client.subscribe(
          { query: print(RegistryEventsDocument), variables },
          { next: resolve, error: resolve, complete: () => {} },
        );
      });
    const anonymous = connect(server);
    const denied = connect(server, teamA);
    try {
      expect(await subscribeOnce(anonymous, {})).toMatchObject([
        { extensions: { code: 'UNAUTHENTICATED' } },
      ]);
      expect(await subscribeOnce(denied, { filter: { namespace: 'team-b' } })).toMatchObject({
        errors: [{ extensions: { code: 'FORBIDDEN' } }],
      });
    } finally {
      await anonymous.dispose();
      await denied.dispose();
    }
  });

  it('closes a connection that presents a bad token', async () => {
    const client = connect(server, 'Bearer rgq_wrong');
    const closed = new Promise<number>((resolve) =>
      client.on('closed', (e) => resolve((e as { code: number }).code)),
    );
    client.subscribe(
      { query: '{ __typename }' },
      { next: () => {}, error: () => {}, complete: () => {} },
    );
    expect(await closed).toBe(4403);
    await client.dispose();
  });

  it('closes the open connections of a token when it is revoked', async () => {
    const created = await server.gql(CreateTokenDocument, {
      input: { namespace: 'team-a', role: 'EDITOR' },
    });
    const { id, token } = created.data!.createToken;
    const client = connect(server, token, false);
    const closed = new Promise<number>((resolve) =>
      client.on('closed', (e) => resolve((e as { code: number }).code)),
    );
    await new Promise((resolve) => client.on('connected', resolve));
    await server.gql(RevokeTokenDocument, { id });
    expect(await closed).toBe(4403);
    await client.dispose();
  });

  it('limits the operations running at once on one connection', async () => {
    const client = connect(server, ADMIN_TOKEN);
    const results: unknown[] = [];
    const stops = Array.from({ length: 101 }, () =>
      client.subscribe(
        { query: 'subscription { registryEvents { id } }' },
        { next: (r) => results.push(r), error: (e) => results.push(e), complete: () => {} },
      ),
    );
    try {
      await eventually(() => results.length === 1, 'the refusal');
      expect(results[0]).toMatchObject([{ extensions: { code: 'TOO_MANY_OPERATIONS' } }]);
    } finally {
      for (const stop of stops) stop();
      await client.dispose();
    }
  });

  it('applies the same limits as HTTP', async () => {
    const client = connect(server, ADMIN_TOKEN);
    const run = (query: string) =>
      new Promise<unknown>((resolve) =>
        client.subscribe({ query }, { next: resolve, error: resolve, complete: () => {} }),
      );
    try {
      const deep = await run(
        '{ registries { repositories { edges { node { tags { edges { node { image { layers { digest } } } } } } } } } }',
      );
      expect(deep).toMatchObject([{ extensions: { code: 'QUERY_TOO_DEEP' } }]);
      expect(await run('{ imageStreams(namespace: "a") { nope } }')).toMatchObject([
        { extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } },
      ]);
      expect(await run('{ imageStreams(namespace: "a" { nope } }')).toMatchObject([
        { extensions: { code: 'GRAPHQL_PARSE_FAILED' } },
      ]);
    } finally {
      await client.dispose();
    }
  });

  it('closes a connection that sends a message over the size limit', async () => {
    const small = await startTestServer({ env: { REGQL_MAX_BODY_BYTES: '2048' } });
    const client = connect(small, ADMIN_TOKEN);
    const closed = new Promise<number>((resolve) =>
      client.on('closed', (e) => resolve((e as { code: number }).code)),
    );
    client.subscribe(
      { query: `{ __typename ${' '.repeat(4096)} }` },
      { next: () => {}, error: () => {}, complete: () => {} },
    );
    try {
      expect(await closed).toBe(1009);
    } finally {
      await client.dispose();
      await small.close();
    }
  });

  it('refuses introspection when it is switched off', async () => {
    const closedDoor = await startTestServer({ env: { REGQL_INTROSPECTION: 'false' } });
    const client = connect(closedDoor, ADMIN_TOKEN);
    try {
      const result = await new Promise((resolve) =>
        client.subscribe(
          { query: '{ __schema { queryType { name } } }' },
          { next: resolve, error: resolve, complete: () => {} },
        ),
      );
      expect((result as { extensions: { code: string } }[])[0]).toMatchObject({
        message: expect.stringMatching(/introspection has been disabled/),
        extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
      });
    } finally {
      await client.dispose();
      await closedDoor.close();
    }
  });
});
