import { startTestServer, type TestServer } from '../helpers/server';

describe('hosts made up in pull specs', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({ loopbackEgress: false });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('keep a bounded number of registry adapters open, however many a viewer names', async () => {
    for (let i = 1; i <= 80; i++)
      await server.raw(`{ image(pullSpec: "127.0.0.${i}:1/made/up:${i}") { digest } }`);
    const open = server.app.services.registries.openAdapters();
    expect(open).toBeGreaterThan(0);
    expect(open).toBeLessThanOrEqual(40);
  });
});
