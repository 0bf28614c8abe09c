import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedDelivery {
  path: string;
  headers: IncomingHttpHeaders;
  /** The exact bytes regql sent. */
  body: Buffer;
  receivedAt: number;
  /** The status the receiver answered with. */
  status: number;
}

export interface Answer {
  status: number;
  headers?: Record<string, string>;
  delayMs?: number;
}

export interface TriggerReceiver {
  url: string;
  received: ReceivedDelivery[];
  /** Decides the answer to each request; `index` counts the requests to the same path. */
  answer: (delivery: ReceivedDelivery, index: number) => Answer;
  close(): Promise<void>;
}

/** A loopback HTTP server that records every trigger delivery and answers as told. */
export async function startTriggerReceiver(): Promise<TriggerReceiver> {
  const received: ReceivedDelivery[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const delivery: ReceivedDelivery = {
        path: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks),
        receivedAt: Date.now(),
        status: 0,
      };
      const index = received.filter((r) => r.path === delivery.path).length;
      const answer = receiver.answer(delivery, index);
      delivery.status = answer.status;
      received.push(delivery);
      setTimeout(() => {
        if (res.destroyed) return;
        res.writeHead(answer.status, answer.headers);
        res.end();
      }, answer.delayMs ?? 0);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const receiver: TriggerReceiver = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    answer: () => ({ status: 204 }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return receiver;
}
