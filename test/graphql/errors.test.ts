import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { ImageStreamsDocument } from '../generated/graphql';
import { ADMIN_TOKEN, errorCodes, startTestServer } from '../helpers/server';

describe('errors seen by clients', () => {
  it('carry the core error code over HTTP and WebSocket alike', async () => {
    const server = await startTestServer();
    try {
      const http = await server.raw('{ events(after: "not-an-id") { edges { cursor } } }');
      expect(errorCodes(http)).toEqual(['BAD_USER_INPUT']);
      const client = createClient({
        url: server.url.replace('http', 'ws') + '/graphql',
        webSocketImpl: WebSocket,
        connectionParams: { authorization: ADMIN_TOKEN },
        retryAttempts: 0,
      });
      const ws = await new Promise((resolve) =>
        client.subscribe(
          { query: '{ events(after: "not-an-id") { edges { cursor } } }' },
          { next: resolve, error: resolve, complete: () => {} },
        ),
      );
      await client.dispose();
      expect(ws).toMatchObject({
        errors: [{ message: http.errors![0].message, extensions: { code: 'BAD_USER_INPUT' } }],
      });
    } finally {
      await server.close();
    }
  });

  it('hide the detail of an unexpected failure and log it instead', async () => {
    const server = await startTestServer();
    try {
      await server.gql(ImageStreamsDocument, { namespace: 'a' });
      await server.app.store.db.destroy();
      const res = await server.gql(ImageStreamsDocument, { namespace: 'a' });
      expect(res.errors).toEqual([
        expect.objectContaining({
          message: 'internal error',
          extensions: { code: 'INTERNAL_SERVER_ERROR' },
        }),
      ]);
      expect(
        server.logs.some((l) => l.includes('"msg":"resolver failed"') && l.includes('destroyed')),
      ).toBe(true);
    } finally {
      await server.close().catch(() => {});
    }
  });
});
