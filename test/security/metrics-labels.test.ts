import { randomBytes } from 'node:crypto';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { freePort } from '../helpers/processes';
import { metricsText } from '../helpers/metrics';
import { ADMIN_TOKEN, startTestServer, type TestServer } from '../helpers/server';

const invented = () => `Card_${randomBytes(6).toString('hex')}`;

function labelValues(text: string, metric: string, label: string): Set<string> {
  const values = new Set<string>();
  const pattern = new RegExp(`^${metric}\\{[^}]*${label}="([^"]*)"`, 'gm');
  for (const match of text.matchAll(pattern)) values.add(match[1]);
  return values;
}

async function post(server: TestServer, query: string, token: string | null) {
  const res = await fetch(`${server.url}/graphql`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify({ query }),
  });
  await res.arrayBuffer();
  return res.status;
}

describe('metric labels a client cannot invent', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ env: { REGQL_METRIC_OPERATIONS: 'DeployDashboard' } });
  });
  afterAll(() => server.close());

  it('labels HTTP operations only with the project documents, configured names, or other', async () => {
    for (let i = 0; i < 20; i++) {
      expect(await post(server, `query ${invented()} { __typename }`, null)).toBe(200);
      expect(await post(server, `query ${invented()} { __typename }`, ADMIN_TOKEN)).toBe(200);
    }
    await post(server, 'query Viewer { viewer { id } }', ADMIN_TOKEN);
    await post(server, 'query DeployDashboard { __typename }', ADMIN_TOKEN);
    const text = await metricsText(server.url);
    expect(labelValues(text, 'regql_graphql_requests_total', 'operation')).toEqual(
      new Set(['other', 'Viewer', 'DeployDashboard']),
    );
    expect(text).toMatch(
      /^regql_graphql_requests_total\{operation="other",transport="http"\} 40$/m,
    );
    expect(labelValues(text, 'regql_graphql_request_duration_seconds_count', 'operation')).toEqual(
      new Set(['other', 'Viewer', 'DeployDashboard']),
    );
  });

  it('labels WebSocket operations the same way', async () => {
    const client = createClient({
      url: server.url.replace(/^http/, 'ws') + '/graphql',
      webSocketImpl: WebSocket,
      connectionParams: { authorization: ADMIN_TOKEN },
      retryAttempts: 0,
    });
    try {
      for (let i = 0; i < 5; i++) {
        const name = invented();
        const operationName = i % 2 === 0 ? name : undefined;
        await new Promise((resolve, reject) =>
          client.subscribe(
            { query: `query ${name} { __typename }`, operationName },
            { next: resolve, error: reject, complete: () => {} },
          ),
        );
      }
    } finally {
      await client.dispose();
    }
    const text = await metricsText(server.url);
    expect(text).toMatch(
      /^regql_graphql_requests_total\{operation="other",transport="websocket"\} 5$/m,
    );
    expect(text).not.toMatch(/Card_/);
  });

  it('labels upstream requests to a host no registry claims as registry="other"', async () => {
    const closedPort = await freePort();
    for (const path of ['team/app', 'other/app']) {
      await post(
        server,
        `{ image(pullSpec: "127.0.0.1:${closedPort}/${path}:v1") { digest } }`,
        ADMIN_TOKEN,
      );
    }
    const registries = labelValues(
      await metricsText(server.url),
      'regql_upstream_requests_total',
      'registry',
    );
    expect(registries).toContain('other');
    expect([...registries].filter((name) => name.startsWith('host:'))).toEqual([]);
  });
});
