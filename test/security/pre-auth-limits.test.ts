import { createClient, type Client } from 'graphql-ws';
import { getIntrospectionQuery } from 'graphql';
import WebSocket from 'ws';
import { ADMIN_TOKEN, errorCodes, startTestServer, type TestServer } from '../helpers/server';

/** Finding 7's query: 150,000 fields, about 450 KB. */
const hugeQuery = `{ ${'ab '.repeat(150_000)}}`;

async function send(
  server: TestServer,
  query: string,
  token: string | null,
  method: 'POST' | 'GET' = 'POST',
) {
  const headers: Record<string, string> = { 'apollo-require-preflight': 'true' };
  if (token) headers.authorization = `Bearer ${token}`;
  const res =
    method === 'POST'
      ? await fetch(`${server.url}/graphql`, {
          method,
          headers: { ...headers, 'content-type': 'application/json' },
          body: JSON.stringify({ query }),
        })
      : await fetch(`${server.url}/graphql?query=${encodeURIComponent(query)}`, { headers });
  const body = (await res.json()) as {
    data?: unknown;
    errors?: { message: string; extensions: { code: string } }[];
  };
  return { status: res.status, ...body };
}

function wsClient(server: TestServer, authorization?: string): Client {
  return createClient({
    url: server.url.replace(/^http/, 'ws') + '/graphql',
    webSocketImpl: WebSocket,
    connectionParams: authorization ? { authorization } : {},
    retryAttempts: 0,
  });
}

const runOnce = (client: Client, query: string) =>
  new Promise<unknown>((resolve) =>
    client.subscribe({ query }, { next: resolve, error: resolve, complete: () => {} }),
  );

describe('work an unauthenticated client can cause', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  it('refuses anonymous operations with 401 on POST and GET', async () => {
    for (const method of ['POST', 'GET'] as const) {
      const res = await send(server, '{ registries { name } }', null, method);
      expect(res.status).toBe(401);
      expect(errorCodes(res)).toEqual(['UNAUTHENTICATED']);
    }
  });

  it('serves introspection without a token, but nothing smuggled next to it', async () => {
    const introspection = await send(server, getIntrospectionQuery(), null);
    expect(introspection.status).toBe(200);
    expect(introspection.errors).toBeUndefined();
    expect((await send(server, '{ __typename }', null)).data).toEqual({ __typename: 'Query' });
    for (const smuggled of [
      '{ __typename registries { name } }',
      '{ ...F } fragment F on Query { __typename registries { name } }',
      '{ ... on Query { viewer { id } } }',
      'query A { __typename } query B { viewer { id } }',
      'mutation { __typename }',
    ]) {
      const res = await send(server, smuggled, null);
      expect([smuggled, res.status, errorCodes(res)]).toEqual([smuggled, 401, ['UNAUTHENTICATED']]);
    }
  });

  it('stops parsing a huge query at the token limit, and reads 64 KiB at most without a token', async () => {
    expect(hugeQuery.length).toBeGreaterThan(400_000);
    const anonymous = await send(server, hugeQuery, null);
    expect(anonymous.status).toBe(413);
    expect(anonymous.errors![0].message).toMatch(/exceeds 65536 bytes without a token/);
    const smaller = `{ ${'ab '.repeat(10_000)}}`;
    for (const [query, token] of [
      [smaller, null],
      [hugeQuery, ADMIN_TOKEN],
    ] as const) {
      const res = await send(server, query, token);
      expect(res.status).toBe(400);
      expect(errorCodes(res)).toEqual(['GRAPHQL_PARSE_FAILED']);
      expect(res.errors![0].message).toMatch(/more tha[nt] 5000 tokens/);
    }
  });

  it('answers a made-up token before reading the body, so it earns no larger limit', async () => {
    const overTheFullLimit = `{ ${'ab '.repeat(400_000)}}`;
    const guessed = await send(server, overTheFullLimit, 'not-a-real-token');
    expect(guessed.status).toBe(401);
    expect(errorCodes(guessed)).toEqual(['UNAUTHENTICATED']);
  });

  it('applies the same rules on graphql-ws', async () => {
    const anonymous = wsClient(server);
    const admin = wsClient(server, ADMIN_TOKEN);
    try {
      expect(await runOnce(anonymous, '{ viewer { id } }')).toMatchObject([
        { extensions: { code: 'UNAUTHENTICATED' } },
      ]);
      expect(await runOnce(anonymous, '{ __typename }')).toEqual({
        data: { __typename: 'Query' },
      });
      for (const client of [anonymous, admin]) {
        const huge = (await runOnce(client, hugeQuery)) as { message: string }[];
        expect(huge).toMatchObject([{ extensions: { code: 'GRAPHQL_PARSE_FAILED' } }]);
        expect(huge[0].message).toMatch(/more tha[nt] 5000 tokens/);
      }
    } finally {
      await anonymous.dispose();
      await admin.dispose();
    }
  });
});

describe('graphql.maxTokens and graphql.introspection', () => {
  it('refuse anonymous introspection when it is off, and queries over the configured limit', async () => {
    const server = await startTestServer({
      env: { REGQL_INTROSPECTION: 'false', REGQL_MAX_TOKENS: '100' },
    });
    try {
      for (const query of ['{ __typename }', '{ __schema { queryType { name } } }']) {
        const res = await send(server, query, null);
        expect([query, res.status, errorCodes(res)]).toEqual([query, 401, ['UNAUTHENTICATED']]);
      }
      const fields = (n: number) => `{ ${'__typename '.repeat(n)}}`;
      expect((await send(server, fields(90), ADMIN_TOKEN)).status).toBe(200);
      const over = await send(server, fields(120), ADMIN_TOKEN);
      expect(over.status).toBe(400);
      expect(over.errors![0].message).toMatch(/more tha[nt] 100 tokens/);
    } finally {
      await server.close();
    }
  });
});
