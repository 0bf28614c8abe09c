import { readFileSync } from 'node:fs';
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { Config } from '../config';
import { ConfigError } from '../core/errors';
import { sendJsonError } from '../server/handler';
import { startPart, type Stoppable } from './teardown';

type Listener = (req: IncomingMessage, res: ServerResponse) => void;

export interface ListenerPart extends Stoppable {
  httpServer: Server;
  port: number;
  /** Where this process answers, as a local client reaches it. */
  url: string;
  /** Where clients reach regql (`publicUrl`, else the local URL), without a trailing slash. */
  publicUrl: string;
  /** Replaces the "starting" answer with the real routes. */
  serve(listener: Listener): void;
}

function createHttpServerFor(config: Config): Server {
  if (!config.tls) return createHttpServer();
  const read = (file: string, key: string) => {
    try {
      return readFileSync(file);
    } catch (err) {
      throw new ConfigError(`tls.${key}: cannot read ${file}: ${(err as Error).message}`);
    }
  };
  return createHttpsServer({
    cert: read(config.tls.cert, 'cert'),
    key: read(config.tls.key, 'key'),
  });
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/** Closes the server unless it is closed already (Apollo's drain closes it on a normal stop). */
function closeServer(server: Server): Promise<void> {
  if (!server.listening) return Promise.resolve();
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/**
 * The HTTP(S) server, listening early so that the port is known (pull specs and the integrated
 * registry's own hosts name it); it answers 503 until `serve` gets the routes. Stopping closes it
 * and its connections if the http part has not drained it already.
 */
export function startListener(config: Config, log: Logger): Promise<ListenerPart> {
  return startPart(log, async (teardown) => {
    const httpServer = createHttpServerFor(config);
    let handle: Listener = (_req, res) =>
      sendJsonError(res, 503, 'UNAVAILABLE', 'regql is starting');
    httpServer.on('request', (req: IncomingMessage, res: ServerResponse) => handle(req, res));
    const port = await listen(httpServer, config.port, config.host);
    teardown.add('http server', () => closeServer(httpServer));
    const scheme = config.tls ? 'https' : 'http';
    const publicUrl = (config.publicUrl ?? `${scheme}://localhost:${port}`).replace(/\/+$/, '');
    const localHost = ['0.0.0.0', '::'].includes(config.host) ? '127.0.0.1' : config.host;
    const url = `${scheme}://${localHost.includes(':') ? `[${localHost}]` : localHost}:${port}`;
    return {
      httpServer,
      port,
      url,
      publicUrl,
      serve: (listener: Listener) => {
        handle = listener;
      },
    };
  });
}
