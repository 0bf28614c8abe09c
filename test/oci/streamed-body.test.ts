import { createServer, type Server } from 'node:http';
import { Readable } from 'node:stream';
import { Transport, transportDefaults } from '../../src/oci/client/transport';
import { UpstreamError } from '../../src/oci/upstream-error';
import { VerifyingStream } from '../../src/oci/verifying-stream';
import { sha256Digest } from '../../src/oci/digest';

describe('a streamed request body', () => {
  let server: Server;
  let url: URL;
  let attempts = 0;
  let received = 0;
  const transport = new Transport({ ...transportDefaults, retries: 3, retryBaseMs: 5 });

  beforeAll(async () => {
    server = createServer((req, res) => {
      attempts += 1;
      req.on('data', (chunk: Buffer) => (received += chunk.length));
      req.on('end', () => {
        res.writeHead(503);
        res.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address() as { port: number };
    url = new URL(`http://127.0.0.1:${address.port}/v2/app/blobs/uploads/1`);
  });
  afterAll(async () => {
    await transport.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  beforeEach(() => {
    attempts = 0;
    received = 0;
  });

  it('is sent once: a retryable answer is reported, not retried with a consumed body', async () => {
    const body = Readable.from([Buffer.alloc(1000, 1), Buffer.alloc(1000, 2)]);
    const sent = transport.send(url, {
      method: 'PUT',
      headers: { 'content-length': '2000' },
      body,
    });
    await expect(sent).rejects.toBeInstanceOf(UpstreamError);
    expect([attempts, received]).toEqual([1, 2000]);
  });

  it('as a string or Buffer is retried as before', async () => {
    await expect(transport.send(url, { method: 'PUT', body: Buffer.from('x') })).rejects.toThrow(
      /answered 503/,
    );
    expect(attempts).toBe(4);
  });
});

describe('VerifyingStream', () => {
  const bytes = Buffer.from('the blob');
  const through = async (digest: string, size: number) => {
    const stream = new VerifyingStream(digest, size);
    const out: Buffer[] = [];
    Readable.from([bytes]).pipe(stream);
    for await (const chunk of stream) out.push(chunk as Buffer);
    return Buffer.concat(out);
  };

  it('passes bytes that match their digest and size', async () => {
    expect(await through(sha256Digest(bytes), bytes.length)).toEqual(bytes);
  });

  it('fails at the end on a wrong digest, a short body or a long one', async () => {
    await expect(through(sha256Digest('other'), bytes.length)).rejects.toThrow(/hash to/);
    await expect(through(sha256Digest(bytes), bytes.length + 1)).rejects.toThrow(
      /8 bytes arrived, not its 9/,
    );
    await expect(through(sha256Digest(bytes), 4)).rejects.toThrow(/more than its 4 bytes/);
  });
});
