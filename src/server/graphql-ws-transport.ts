import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { CloseCode, handleProtocols, makeServer, type ServerOptions } from 'graphql-ws';
import type { Logger } from 'pino';
import type { WebSocket, WebSocketServer } from 'ws';

export interface SocketExtra {
  socket: WebSocket;
  request: IncomingMessage;
  /** Sends a text message through the connection's batching, as graphql-ws's own sends go. */
  send: (data: string) => Promise<void>;
}

const KEEP_ALIVE_MS = 12_000;
/** Bytes a socket may hold unsent before a send waits for the client to read. */
const SEND_HIGH_WATER = 256 * 1024;
/** Past this a client that does not read is cut off (each operation may add one message). */
const SEND_HARD_LIMIT = 16 * 1024 * 1024;

/**
 * Sends that resolve at once while the socket keeps up, so one subscriber's events of a tick go
 * out together: the socket is corked until the next tick and the kernel gets one write for them
 * all. Past the high-water mark a send waits until its bytes are written, and graphql-ws then
 * stops taking events for that subscriber, whose bounded queue in the feed does the rest.
 */
function batchingSender(ws: WebSocket): (data: string) => Promise<void> {
  // `ws` exposes no cork(); its socket is the documented net.Socket behind it.
  const raw = (ws as unknown as { _socket?: Socket })._socket;
  let corked = false;
  return (data) => {
    if (ws.readyState !== ws.OPEN) return Promise.resolve();
    if (ws.bufferedAmount > SEND_HARD_LIMIT) {
      ws.terminate();
      return Promise.resolve();
    }
    if (raw && !corked) {
      corked = true;
      raw.cork();
      process.nextTick(() => {
        corked = false;
        raw.uncork();
      });
    }
    if (ws.bufferedAmount < SEND_HIGH_WATER) {
      ws.send(data);
      return Promise.resolve();
    }
    return new Promise((resolve, reject) =>
      ws.send(data, (err) => (err ? reject(err) : resolve())),
    );
  };
}

/** graphql-ws on a `ws` server: graphql-ws's own `useServer`, but with batched sends. */
export function serveGraphqlWs<E extends Record<PropertyKey, unknown>>(
  options: ServerOptions<Record<string, unknown> | undefined, SocketExtra & E>,
  wss: WebSocketServer,
  log: Logger,
): { dispose: () => Promise<void> } {
  const server = makeServer(options);
  wss.options.handleProtocols = handleProtocols;
  wss.on('connection', (socket, request) => {
    socket.once('error', (err) => {
      log.warn({ err }, 'websocket error');
      socket.close(CloseCode.InternalServerError, 'Internal server error');
    });
    let pongWait: NodeJS.Timeout | null = null;
    const pinger = setInterval(() => {
      if (socket.readyState !== socket.OPEN) return;
      pongWait = setTimeout(() => socket.terminate(), KEEP_ALIVE_MS);
      socket.once('pong', () => {
        if (pongWait) clearTimeout(pongWait);
        pongWait = null;
      });
      socket.ping();
    }, KEEP_ALIVE_MS);
    const send = batchingSender(socket);
    const closed = server.opened(
      {
        protocol: socket.protocol,
        send,
        close: (code, reason) => socket.close(code, reason),
        onMessage: (receive) =>
          socket.on('message', (data: Buffer) => {
            receive(data.toString('utf8')).catch((err: unknown) => {
              log.error({ err }, 'handling a websocket message failed');
              socket.close(CloseCode.InternalServerError, 'Internal server error');
            });
          }),
      },
      { socket, request, send } as SocketExtra & E,
    );
    socket.once('close', (code, reason) => {
      if (pongWait) clearTimeout(pongWait);
      clearInterval(pinger);
      void closed(code, reason.toString('utf8'));
    });
  });
  return {
    dispose: async () => {
      for (const client of wss.clients) client.close(1001, 'Going away');
      wss.removeAllListeners();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
