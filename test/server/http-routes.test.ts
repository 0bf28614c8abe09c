import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ViewerDocument } from '../generated/graphql';
import { startTestServer, type TestServer } from '../helpers/server';

const run = promisify(execFile);

/** Loads a page in headless Chromium, lets its scripts run, and returns the resulting DOM. */
async function renderInChromium(url: string): Promise<string> {
  const { stdout } = await run(
    'chromium',
    [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      `--user-data-dir=${mkdtempSync(join(tmpdir(), 'regql-chromium-'))}`,
      '--virtual-time-budget=5000',
      '--dump-dom',
      url,
    ],
    { timeout: 30000 },
  );
  return stdout;
}

describe('HTTP routes', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  it('answers /healthz and /readyz', async () => {
    const health = await fetch(`${server.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${server.url}/readyz`);
    expect(await ready.json()).toEqual({ status: 'ready' });
  });

  it('exports Prometheus metrics per operation, errors by code, and open subscriptions', async () => {
    // the anonymous one is refused before it runs: an error, not an operation
    await server.gql(ViewerDocument, {});
    await server.gql(ViewerDocument, {}, null);
    const res = await fetch(`${server.url}/metrics`);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await res.text();
    expect(text).toMatch(
      /^regql_graphql_requests_total\{operation="Viewer",transport="http"\} 1$/m,
    );
    expect(text).toMatch(/^regql_graphql_request_duration_seconds_count\{operation="Viewer"\} 1$/m);
    expect(text).toMatch(/^regql_graphql_errors_total\{code="UNAUTHENTICATED"\} 1$/m);
    expect(text).toMatch(/^regql_subscriptions_open 0$/m);
    expect(text).toMatch(/^regql_store_queries \d+$/m);
    expect(text).toMatch(/^regql_process_resident_memory_bytes \d+/m);
  });

  it('gives every response a request id, keeping a sane one from the client', async () => {
    const own = await fetch(`${server.url}/healthz`, { headers: { 'x-request-id': 'abc-123' } });
    expect(own.headers.get('x-request-id')).toBe('abc-123');
    const hostile = await fetch(`${server.url}/healthz`, {
      headers: { 'x-request-id': 'a b/../{}' },
    });
    expect(hostile.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(server.logs.some((l) => l.includes('"reqId":"abc-123"'))).toBe(true);
  });

  it('answers unknown paths with 404 and a JSON error', async () => {
    const res = await fetch(`${server.url}/nope`);
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({
      errors: [{ message: 'no route /nope', extensions: { code: 'NOT_FOUND' } }],
    });
  });

  it('serves a landing page that needs nothing from the network', async () => {
    for (const path of ['/', '/graphql']) {
      const res = await fetch(`${server.url}${path}`, { headers: { accept: 'text/html' } });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-security-policy')).toMatch(/default-src 'self'/);
      const html = await res.text();
      expect(html).toMatch(/<title>regql<\/title>/);
      expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
    }
  });

  it('runs the landing page in headless Chromium and reaches the GraphQL endpoint from it', async () => {
    const dom = await renderInChromium(`${server.url}/graphql`);
    expect(dom).toContain('<p id="status">server reachable: GraphQL endpoint answers</p>');
  });
});
