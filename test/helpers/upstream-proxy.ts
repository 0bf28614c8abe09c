import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Transform } from 'node:stream';

/** How the proxy treats the body of blob GETs. */
export interface BlobPolicy {
  /** Bytes passed on per 10 ms (default: unthrottled). */
  bytesPer10ms?: number;
  /** Flips one byte in the middle of the body. */
  corrupt?: boolean;
}

export interface UpstreamProxy {
  /** http://127.0.0.1:PORT */
  url: string;
  host: string;
  /** Requests seen, as `METHOD path`. */
  requests: string[];
  /** Blob GETs whose client (regql) went away before the body ended. */
  abandonedBlobs: number;
  blobs: BlobPolicy;
  close(): Promise<void>;
}

const isBlobGet = (req: IncomingMessage) =>
  req.method === 'GET' && /\/blobs\/sha256:[a-f0-9]{64}$/.test(req.url ?? '');

/** Slows down and corrupts a blob body as `policy` asks. */
function shaper(policy: BlobPolicy, total: number): Transform {
  let passed = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      const bytes = Buffer.from(chunk);
      const middle = Math.floor(total / 2) - passed;
      if (policy.corrupt && middle >= 0 && middle < bytes.length) bytes[middle] ^= 0xff;
      passed += bytes.length;
      const step = policy.bytesPer10ms;
      if (!step) return done(null, bytes);
      const send = (offset: number): void => {
        if (offset >= bytes.length) return done();
        this.push(bytes.subarray(offset, offset + step));
        setTimeout(() => send(offset + step), 10);
      };
      send(0);
    },
  });
}

/**
 * A loopback HTTP proxy in front of a real registry: it records every request and can slow
 * down or corrupt blob bodies, to test what regql does with a slow or lying upstream.
 */
export async function startUpstreamProxy(target: string): Promise<UpstreamProxy> {
  const proxy: UpstreamProxy = {
    url: '',
    host: '',
    requests: [],
    abandonedBlobs: 0,
    blobs: {},
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  const server: Server = createServer((req, res) => {
    proxy.requests.push(`${req.method} ${req.url}`);
    const upstream = request(
      new URL(req.url ?? '/', target),
      { method: req.method, headers: { ...req.headers, host: new URL(target).host } },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        if (!isBlobGet(req) || answer.statusCode !== 200) return void answer.pipe(res);
        const total = Number(answer.headers['content-length'] ?? 0);
        res.on('close', () => {
          if (!res.writableFinished) proxy.abandonedBlobs++;
          answer.destroy();
        });
        answer.pipe(shaper(proxy.blobs, total)).pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  proxy.url = `http://127.0.0.1:${port}`;
  proxy.host = `127.0.0.1:${port}`;
  return proxy;
}
