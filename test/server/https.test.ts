import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { startTestServer } from '../helpers/server';
import { selfSignedCertificate } from '../helpers/tls';

function getOverTls(url: string, ca: Buffer): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    request(url, { ca }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    })
      .on('error', reject)
      .end();
  });
}

describe('HTTPS', () => {
  it('serves over TLS when given a certificate and key', async () => {
    const { cert, key } = selfSignedCertificate();
    const server = await startTestServer({ env: { REGQL_TLS_CERT: cert, REGQL_TLS_KEY: key } });
    try {
      expect(server.url).toMatch(/^https:\/\//);
      expect(server.app.services.publicUrl).toMatch(/^https:\/\/localhost:\d+$/);
      const res = await getOverTls(`${server.url}/healthz`, readFileSync(cert));
      expect(res).toEqual({ status: 200, body: '{"status":"ok"}' });
    } finally {
      await server.close();
    }
  });

  it('says which file it cannot read', async () => {
    await expect(
      startTestServer({ env: { REGQL_TLS_CERT: '/nonexistent.pem', REGQL_TLS_KEY: '/x.pem' } }),
    ).rejects.toThrow(/tls.cert: cannot read \/nonexistent.pem/);
  });
});
