import { randomUUID } from 'node:crypto';
import { createClient, type RedisClientType } from '@redis/client';
import type { Logger } from 'pino';
import { z } from 'zod';
import { urlForLogs } from '../core/logger';
import type { BusSignal, EventBus } from './event-bus';

export const REDIS_EVENT_CHANNEL = 'regql:events';

const CLOSE_TIMEOUT_MS = 2000;
const STARTUP_RETRIES = 5;

const messageSchema = z.object({
  from: z.string(),
  signal: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('appended') }),
    z.object({ kind: z.literal('revoked'), tokenId: z.string() }),
  ]),
});

async function quit(client: RedisClientType): Promise<void> {
  if (client.isReady) {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      client.close().catch(() => {}),
      new Promise((resolve) => (timer = setTimeout(resolve, CLOSE_TIMEOUT_MS))),
    ]);
    clearTimeout(timer);
  }
  client.destroy();
}

/**
 * A bus shared by every regql process on one Redis (pub/sub on one channel). This process's own
 * signals reach its listeners at once, without the round trip, and their echo is ignored. From the
 * moment either connection drops until both are back, 'appended' is neither sent nor queued, and
 * signals from elsewhere are lost: the feed's poll covers that, and on reconnection listeners get
 * an 'appended' so the log is read at once. Revocations wait in the client's queue, so they reach
 * the others only if these are back first.
 */
export class RedisEventBus implements EventBus {
  private readonly listeners = new Set<(signal: BusSignal) => void>();
  private readonly instanceId = randomUUID();
  private readonly publisher: RedisClientType;
  private readonly subscriber: RedisClientType;
  private readonly log: Logger;
  private readonly where: string;
  private connected = false;
  private lost = false;

  constructor(url: string, log: Logger) {
    this.where = urlForLogs(url);
    this.log = log.child({ component: 'event-bus', redis: this.where });
    this.publisher = createClient({
      url,
      socket: { reconnectStrategy: (retries) => this.retryIn(retries) },
    });
    this.subscriber = this.publisher.duplicate();
    for (const [role, client] of [
      ['publisher', this.publisher],
      ['subscriber', this.subscriber],
    ] as const) {
      client.on('error', (err: Error) => this.onError(role, client, err));
      client.on('ready', () => this.onReady());
    }
  }

  /** Resolves once both connections are up and subscribed; rejects if Redis cannot be reached. */
  async connect(): Promise<void> {
    // Both settle before a failure is reported: a client still retrying would keep its backoff
    // timer after close.
    const connecting = await Promise.allSettled([
      this.publisher.connect(),
      this.subscriber.connect(),
    ]);
    const failed = connecting.find((result) => result.status === 'rejected');
    if (failed) throw failed.reason;
    await this.subscriber.subscribe(REDIS_EVENT_CHANNEL, (message) => this.onMessage(message));
    this.connected = true;
    this.log.info({ channel: REDIS_EVENT_CHANNEL }, 'event bus connected to redis');
  }

  signal(signal: BusSignal): void {
    this.deliver(signal);
    if (signal.kind === 'appended' && (this.lost || !this.publisher.isReady)) return;
    this.publisher
      .publish(REDIS_EVENT_CHANNEL, JSON.stringify({ from: this.instanceId, signal }))
      .catch((err: unknown) => this.log.warn({ err, signal }, 'publishing a bus signal failed'));
  }

  onSignal(listener: (signal: BusSignal) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    this.listeners.clear();
    await Promise.all([quit(this.publisher), quit(this.subscriber)]);
  }

  private retryIn(retries: number): number | Error {
    if (!this.connected && retries >= STARTUP_RETRIES)
      return new Error(`events.redisUrl: redis at ${this.where} does not answer`);
    return Math.min(2 ** retries * 50, 2000) + Math.floor(Math.random() * 200);
  }

  private onError(role: string, client: RedisClientType, err: Error): void {
    if (this.connected && !this.lost && !client.isReady) {
      this.lost = true;
      this.log.warn({ err, role }, 'lost the redis connection; retrying, the log poll covers');
    } else {
      this.log.debug({ err, role }, 'redis connection error');
    }
  }

  private onReady(): void {
    if (!this.connected || !this.lost || !this.publisher.isReady || !this.subscriber.isReady)
      return;
    this.lost = false;
    this.log.info('redis connection restored');
    this.deliver({ kind: 'appended' });
  }

  private onMessage(message: string): void {
    let parsed: z.infer<typeof messageSchema>;
    try {
      parsed = messageSchema.parse(JSON.parse(message));
    } catch (err) {
      this.log.debug({ err, message: message.slice(0, 200) }, 'ignored a malformed bus message');
      return;
    }
    if (parsed.from !== this.instanceId) this.deliver(parsed.signal);
  }

  private deliver(signal: BusSignal): void {
    for (const listener of this.listeners) {
      try {
        listener(signal);
      } catch (err) {
        this.log.error({ err, signal }, 'a bus listener failed');
      }
    }
  }
}
