import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startService, waitUntil, type Service } from './processes';

export interface RedisServer {
  /** redis://[:PASSWORD@]127.0.0.1:PORT */
  url: string;
  port: number;
  /** Stops the server, leaving the port closed until `start`. */
  pause(): Promise<void>;
  /** Starts it again on the same port, with nothing kept. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

function ping(port: number, password?: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    let reply = '';
    const done = (answered: boolean) => {
      socket.destroy();
      resolve(answered);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write(`${password ? `AUTH ${password}\r\n` : ''}PING\r\n`));
    socket.on('data', (d: Buffer) => {
      reply += d.toString();
      if (reply.startsWith('-')) done(false);
      else if (reply.endsWith('+PONG\r\n')) done(true);
    });
  });
}

/** The real `redis-server` on a loopback port, persisting nothing. */
export async function startRedis(options: { password?: string } = {}): Promise<RedisServer> {
  const dir = mkdtempSync(join(tmpdir(), 'regql-redis-'));
  const port = await freePort();
  let service: Service | null = null;
  const start = async () => {
    const started = startService('redis-server', [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      dir,
      ...(options.password ? ['--requirepass', options.password] : []),
    ]);
    service = started;
    try {
      await waitUntil(() => ping(port, options.password), 'redis-server to answer PING', 10000);
    } catch (err) {
      await started.stop();
      throw new Error(`${(err as Error).message}\n${started.output()}`, { cause: err });
    }
  };
  const pause = async () => {
    await service?.stop();
    service = null;
  };
  await start();
  return {
    url: `redis://${options.password ? `:${options.password}@` : ''}127.0.0.1:${port}`,
    port,
    start,
    pause,
    stop: async () => {
      await pause();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
