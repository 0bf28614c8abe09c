import WebSocket from 'ws';
import { CreateTokenDocument } from '../generated/graphql';
import { basicAuth } from '../helpers/basic-auth';
import { ADMIN_TOKEN, startTestServer, type TestServer } from '../helpers/server';

const LIMIT = 5;

/** A request as the client at `client` (through the trusted proxy on 127.0.0.1) would send it. */
function from(client: string | undefined, headers: Record<string, string> = {}) {
  return client === undefined ? headers : { ...headers, 'x-forwarded-for': client };
}

async function graphqlAs(server: TestServer, client: string, token: string | null) {
  const res = await fetch(`${server.url}/graphql`, {
    method: 'POST',
    headers: from(client, {
      'content-type': 'application/json',
      ...(token === null ? {} : { authorization: `Bearer ${token}` }),
    }),
    body: JSON.stringify({ query: '{ __typename }' }),
  });
  const body = (await res.json()) as { errors?: { extensions: { code: string } }[] };
  return { status: res.status, code: body.errors?.[0].extensions.code, res };
}

async function statuses(times: number, request: () => Promise<number>): Promise<number[]> {
  const seen: number[] = [];
  for (let i = 0; i < times; i++) seen.push(await request());
  return seen;
}

/** The close code of a graphql-ws connection that presents `authorization`. */
async function wsCloseCode(server: TestServer, client: string, authorization: string) {
  const ws = new WebSocket(server.url.replace(/^http/, 'ws') + '/graphql', 'graphql-transport-ws', {
    headers: from(client),
  });
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  ws.send(JSON.stringify({ type: 'connection_init', payload: { authorization } }));
  return new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
}

describe('repeated refused credentials from one client', () => {
  let server: TestServer;
  let viewer: string;
  beforeAll(async () => {
    server = await startTestServer({
      env: { REGQL_AUTH_FAILURES_PER_MINUTE: String(LIMIT), REGQL_TRUSTED_PROXIES: '127.0.0.1' },
    });
    const created = await server.gql(CreateTokenDocument, {
      input: { namespace: 'team-a', role: 'VIEWER' },
    });
    viewer = created.data!.createToken.token;
  });
  afterAll(() => server.close());

  it('are refused with 429 on /graphql, before the token is checked, for that client only', async () => {
    const client = '203.0.113.1';
    const guesses = await statuses(
      LIMIT,
      async () => (await graphqlAs(server, client, 'rgq_guess')).status,
    );
    expect(guesses).toEqual(Array(LIMIT).fill(401));
    const throttled = await graphqlAs(server, client, 'rgq_guess');
    expect(throttled.status).toBe(429);
    expect(throttled.code).toBe('TOO_MANY_REQUESTS');
    expect(Number(throttled.res.headers.get('retry-after'))).toBeGreaterThan(0);
    // the same client's valid token waits too: it cannot be told apart from a guess unchecked
    expect((await graphqlAs(server, client, ADMIN_TOKEN)).status).toBe(429);
    // what needs no credentials is still served to it
    expect((await graphqlAs(server, client, null)).status).toBe(200);
    // and other clients are not locked out
    expect((await graphqlAs(server, '203.0.113.2', ADMIN_TOKEN)).status).toBe(200);
    expect((await graphqlAs(server, '203.0.113.2', 'rgq_guess')).status).toBe(401);
  });

  it('are refused with an OCI TOOMANYREQUESTS on /auth/token and /v2, anonymous requests are not counted', async () => {
    const client = '203.0.113.3';
    const anonymous = await statuses(
      2 * LIMIT,
      async () => (await fetch(`${server.url}/v2/`, { headers: from(client) })).status,
    );
    expect(anonymous).toEqual(Array(2 * LIMIT).fill(401));
    const token = (password: string) =>
      fetch(`${server.url}/auth/token?service=regql&scope=repository:team-a/app:pull`, {
        headers: from(client, { authorization: basicAuth('me', password) }),
      });
    expect((await token(viewer)).status).toBe(200);
    const guesses = await statuses(LIMIT - 1, async () => (await token('rgq_guess')).status);
    expect(guesses).toEqual(Array(LIMIT - 1).fill(401));
    const forged = await fetch(`${server.url}/v2/team-a/app/tags/list`, {
      headers: from(client, { authorization: 'Bearer forged.token.value' }),
    });
    expect(forged.status).toBe(401);
    for (const res of [
      await token('rgq_guess'),
      await fetch(`${server.url}/v2/team-a/app/tags/list`, {
        headers: from(client, { authorization: basicAuth('me', viewer) }),
      }),
    ]) {
      expect(res.status).toBe(429);
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(((await res.json()) as { errors: { code: string }[] }).errors[0].code).toBe(
        'TOOMANYREQUESTS',
      );
    }
    expect((await fetch(`${server.url}/v2/`, { headers: from(client) })).status).toBe(401);
  });

  it('does not count a valid token that lacks a scope (a normal step of docker push)', async () => {
    const client = '203.0.113.4';
    const pushes = await statuses(
      2 * LIMIT,
      async () =>
        (
          await fetch(`${server.url}/v2/team-b/app/blobs/uploads/`, {
            method: 'POST',
            headers: from(client, { authorization: basicAuth('me', viewer) }),
          })
        ).status,
    );
    expect(pushes).toEqual(Array(2 * LIMIT).fill(401));
  });

  it('counts webhook deliveries with a wrong secret', async () => {
    const client = '203.0.113.5';
    const deliver = async () =>
      (
        await fetch(`${server.url}/webhooks/distribution/rcv_unknown/wrong-secret`, {
          method: 'POST',
          headers: from(client, { 'content-type': 'application/json' }),
          body: '{}',
        })
      ).status;
    expect(await statuses(LIMIT, deliver)).toEqual(Array(LIMIT).fill(401));
    expect(await deliver()).toBe(429);
  });

  it('counts graphql-ws connections with a bad token, together with HTTP', async () => {
    const client = '203.0.113.6';
    const closes = [];
    for (let i = 0; i < LIMIT - 1; i++)
      closes.push(await wsCloseCode(server, client, 'Bearer rgq_guess'));
    expect(closes).toEqual(Array(LIMIT - 1).fill(4403));
    expect((await graphqlAs(server, client, 'rgq_guess')).status).toBe(401);
    expect(await wsCloseCode(server, client, `Bearer ${ADMIN_TOKEN}`)).toBe(4429);
    expect((await graphqlAs(server, client, 'rgq_guess')).status).toBe(429);
  });

  it('takes the right-most forwarded address that is not a trusted proxy', async () => {
    const spoofed = (i: number) => `198.51.100.${i}, 203.0.113.7, 127.0.0.1`;
    for (let i = 0; i < LIMIT; i++) {
      const res = await fetch(`${server.url}/graphql`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: 'Bearer rgq_guess',
          'x-forwarded-for': spoofed(i),
        },
        body: '{"query":"{ __typename }"}',
      });
      expect(res.status).toBe(401);
    }
    expect((await graphqlAs(server, spoofed(99), 'rgq_guess')).status).toBe(429);
  });

  it('counts an IPv6 client by its /64', async () => {
    for (let i = 1; i <= LIMIT; i++)
      expect((await graphqlAs(server, `2001:db8::${i}`, 'rgq_guess')).status).toBe(401);
    expect((await graphqlAs(server, '2001:db8:0:0:ffff::1', 'rgq_guess')).status).toBe(429);
    expect((await graphqlAs(server, '2001:db8:0:1::1', 'rgq_guess')).status).toBe(401);
  });
});

describe('X-Forwarded-For from a peer that is not a trusted proxy', () => {
  it('is ignored: the socket address is the client', async () => {
    const server = await startTestServer({
      env: { REGQL_AUTH_FAILURES_PER_MINUTE: String(LIMIT) },
    });
    try {
      let guess = 0;
      const seen = await statuses(
        LIMIT + 1,
        async () => (await graphqlAs(server, `203.0.113.${(guess += 1)}`, 'rgq_guess')).status,
      );
      expect(seen).toEqual([...Array(LIMIT).fill(401), 429]);
    } finally {
      await server.close();
    }
  });
});
