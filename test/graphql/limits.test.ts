import { ImageStreamsDocument } from '../generated/graphql';
import { ADMIN_TOKEN, errorCodes, startTestServer, type TestServer } from '../helpers/server';

async function post(server: TestServer, body: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${server.url}/graphql`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${ADMIN_TOKEN}`,
      ...headers,
    },
    body,
  });
  return {
    status: res.status,
    body: (await res.json()) as { errors?: { message: string; extensions: { code: string } }[] },
  };
}

const deepSelection =
  'repositories { edges { node { tags { edges { node { image { layers { digest } } } } } } } }';

describe('request limits and malformed requests', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({
      env: { REGQL_MAX_DEPTH: '8', REGQL_MAX_COMPLEXITY: '500', REGQL_MAX_BODY_BYTES: '4096' },
    });
  });
  afterAll(() => server.close());

  it('accepts a query within the limits', async () => {
    const res = await server.gql(ImageStreamsDocument, { namespace: 'a', first: 1 });
    expect(res.errors).toBeUndefined();
  });

  it('refuses a query nested too deep, also through fragments', async () => {
    const direct = await post(
      server,
      JSON.stringify({ query: `{ registries { ${deepSelection} } }` }),
    );
    expect(direct.status).toBe(400);
    expect(direct.body.errors![0].extensions.code).toBe('QUERY_TOO_DEEP');
    expect(direct.body.errors![0].message).toMatch(/10 levels deep; the limit is 8/);
    const viaFragment = await post(
      server,
      JSON.stringify({
        query: `query { registries { ...R } } fragment R on Registry { ${deepSelection} }`,
      }),
    );
    expect(viaFragment.body.errors![0].extensions.code).toBe('QUERY_TOO_DEEP');
  });

  it('refuses a query that costs too much, counting page sizes', async () => {
    const res = await server.raw(
      '{ imageStreams(namespace: "a", first: 100) { edges { node { name namespace tags { name } } } } }',
    );
    expect(res.status).toBe(400);
    expect(errorCodes(res)).toEqual(['QUERY_TOO_COMPLEX']);
    expect(res.errors![0].message).toMatch(/the limit is 500/);
    const variables = await server.raw(
      'query Q($n: Int) { imageStreams(namespace: "a", first: $n) { edges { node { name namespace tags { name } } } } }',
      { n: 100 },
    );
    expect(errorCodes(variables)).toEqual(['QUERY_TOO_COMPLEX']);
  });

  it('refuses a body over the size limit with 413', async () => {
    const res = await post(server, JSON.stringify({ query: `{ __typename ${' '.repeat(5000)} }` }));
    expect(res.status).toBe(413);
    expect(res.body.errors![0].extensions.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('refuses malformed GraphQL, unknown fields and bad JSON with specific codes', async () => {
    const syntax = await server.raw('{ imageStreams(namespace: "a" { edges } }');
    expect(syntax.status).toBe(400);
    expect(errorCodes(syntax)).toEqual(['GRAPHQL_PARSE_FAILED']);
    const unknown = await server.raw('{ imageStreams(namespace: "a") { nope } }');
    expect(unknown.status).toBe(400);
    expect(errorCodes(unknown)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    const badVariables = await server.raw(
      'query Q($n: Int) { imageStreams(namespace: "a", first: $n) { edges { cursor } } }',
      {
        n: 'ten',
      },
    );
    expect(errorCodes(badVariables)).toEqual(['BAD_USER_INPUT']);
    const json = await post(server, '{"query": "{ __typename }"');
    expect(json.status).toBe(400);
    expect(json.body.errors![0].extensions.code).toBe('BAD_REQUEST');
  });

  it('blocks requests a browser could send cross-site (CSRF)', async () => {
    const simpleGet = await fetch(
      `${server.url}/graphql?query=${encodeURIComponent('{ __typename }')}`,
      {
        headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      },
    );
    expect(simpleGet.status).toBe(400);
    expect(await simpleGet.text()).toMatch(/Cross-Site Request Forgery/);
    const form = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', authorization: `Bearer ${ADMIN_TOKEN}` },
      body: '{"query":"{ __typename }"}',
    });
    expect(form.status).toBe(400);
    const preflighted = await fetch(
      `${server.url}/graphql?query=${encodeURIComponent('{ __typename }')}`,
      {
        headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'apollo-require-preflight': 'true' },
      },
    );
    expect(await preflighted.json()).toEqual({ data: { __typename: 'Query' } });
  });

  it('serves introspection by default', async () => {
    const res = await server.raw('{ __schema { queryType { name } } }');
    expect(res.data).toEqual({ __schema: { queryType: { name: 'Query' } } });
  });
});

describe('introspection switched off', () => {
  it('refuses introspection queries', async () => {
    const server = await startTestServer({ env: { REGQL_INTROSPECTION: 'false' } });
    try {
      const res = await server.raw('{ __schema { queryType { name } } }');
      expect(res.status).toBe(400);
      expect(errorCodes(res)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
      expect((await server.raw('{ __typename }')).data).toEqual({ __typename: 'Query' });
    } finally {
      await server.close();
    }
  });
});
