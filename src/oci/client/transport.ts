import type { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { Agent, errors as undiciErrors, request, type Dispatcher } from 'undici';
import { RegqlError } from '../../core/errors';
import { upstreamError } from '../upstream-error';
import { defaultPort, guardedConnector, type ConnectGuard } from './connect-guard';

export interface TransportOptions {
  /**
   * Skip TLS verification (self-signed registries), and speak plain HTTP to an https:// origin
   * that answers in plain HTTP; http:// URLs work either way.
   */
  insecure: boolean;
  /** Extra PEM certificate authorities. */
  ca?: string;
  timeoutMs: number;
  /** Connections per origin: the concurrency limit towards one registry. */
  maxConnections: number;
  /** Retries after the first attempt, for 429, 502/503/504 and connection resets. */
  retries: number;
  retryBaseMs: number;
  /** A Retry-After longer than this is reported instead of waited for. */
  maxRetryAfterMs: number;
  /** Called once per attempt with the status, or 0 for a network failure. */
  observe?: (status: number) => void;
  /** Where connections may go (the egress policy); none: anywhere. */
  guard?: ConnectGuard;
}

export interface UpstreamResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Dispatcher.ResponseData['body'];
}

export const transportDefaults: TransportOptions = {
  insecure: false,
  timeoutMs: 30_000,
  maxConnections: 8,
  retries: 3,
  retryBaseMs: 250,
  maxRetryAfterMs: 60_000,
};

const retryableStatus = new Set([429, 502, 503, 504]);
const resetCodes = new Set([
  'ECONNRESET',
  'EPIPE',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'ECONNREFUSED',
]);

export const header = (
  res: Pick<UpstreamResponse, 'headers'>,
  name: string,
): string | undefined => {
  const value = res.headers[name];
  return Array.isArray(value) ? value[0] : value;
};

/** Seconds or an HTTP date, in milliseconds from now. */
export function retryAfterMs(value: string | undefined, now = Date.now()): number | null {
  if (!value) return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

/** undici's own timeouts: connecting, waiting for headers, waiting for the body. */
export function isTimeout(err: unknown): boolean {
  return (
    err instanceof undiciErrors.HeadersTimeoutError ||
    err instanceof undiciErrors.BodyTimeoutError ||
    err instanceof undiciErrors.ConnectTimeoutError
  );
}

/** An error regql raised on purpose (an egress refusal), possibly wrapped by undici. */
function deliberate(err: unknown): RegqlError | undefined {
  const cause = (err as { cause?: unknown } | null)?.cause;
  return [err, cause].find((e): e is RegqlError => e instanceof RegqlError);
}

/** The peer answered, but not in TLS: a plain-HTTP server on an https:// origin. */
function notTls(err: unknown): boolean {
  const code = (err as { code?: string })?.code ?? '';
  return code === 'ERR_SSL_WRONG_VERSION_NUMBER' || code === 'EPROTO';
}

const plainHttp = (url: URL): URL => {
  const plain = new URL(url);
  plain.protocol = 'http:';
  return plain;
};

function isReset(err: unknown): boolean {
  const code = (err as { code?: string })?.code;
  return err instanceof undiciErrors.SocketError || (code !== undefined && resetCodes.has(code));
}

/** A body that is consumed as it is sent. */
export const isStream = (body: string | Buffer | Readable | undefined): body is Readable =>
  body !== undefined && typeof body !== 'string' && !Buffer.isBuffer(body);

/**
 * HTTP to one registry: a keep-alive pool per origin (undici), a connection cap, timeouts, and
 * retries with exponential backoff and full jitter where a retry is safe.
 */
export class Transport {
  private readonly agent: Agent;
  /** https:// origins of an insecure registry that turned out to speak plain HTTP. */
  private readonly plainOrigins = new Set<string>();

  constructor(private readonly options: TransportOptions) {
    this.agent = new Agent({
      connections: options.maxConnections,
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
      connect: guardedConnector(
        {
          rejectUnauthorized: !options.insecure,
          ...(options.ca && { ca: options.ca }),
          timeout: options.timeoutMs,
        },
        options.guard,
      ),
    });
  }

  /**
   * A request, retried where that is safe. A streamed body (a Readable) is consumed by the first
   * attempt, so such a request is never retried: a failure or a retryable status is reported.
   */
  async send(
    url: URL,
    init: {
      method?: 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
      headers?: Record<string, string>;
      body?: string | Buffer | Readable;
    } = {},
  ): Promise<UpstreamResponse> {
    const { retryBaseMs, maxRetryAfterMs, guard } = this.options;
    const streamed = isStream(init.body);
    const retries = streamed ? 0 : this.options.retries;
    guard?.checkHost(url.hostname, Number(url.port) || defaultPort(url.protocol));
    for (let attempt = 0; ; attempt++) {
      let res: UpstreamResponse;
      const target = this.plainOrigins.has(url.origin) ? plainHttp(url) : url;
      try {
        const answer = await request(target, {
          dispatcher: this.agent,
          method: init.method ?? 'GET',
          headers: init.headers,
          body: init.body,
        });
        res = { status: answer.statusCode, headers: answer.headers, body: answer.body };
      } catch (err) {
        this.options.observe?.(0);
        const refused = deliberate(err);
        if (refused) throw refused;
        // As `oc import-image --insecure` does: an insecure origin may answer in plain HTTP.
        if (!streamed && this.options.insecure && target.protocol === 'https:' && notTls(err)) {
          this.plainOrigins.add(url.origin);
          continue;
        }
        if (isTimeout(err))
          throw upstreamError(
            'UPSTREAM_UNAVAILABLE',
            `${url.host} did not answer within ${this.options.timeoutMs} ms`,
          );
        if (!isReset(err) || attempt >= retries) {
          throw upstreamError(
            'UPSTREAM_UNAVAILABLE',
            `${url.host} is unreachable: ${(err as Error).message}`,
          );
        }
        await sleep(this.backoff(attempt, retryBaseMs));
        continue;
      }
      this.options.observe?.(res.status);
      if (!retryableStatus.has(res.status)) return res;
      await res.body.dump();
      const wait = res.status === 429 ? retryAfterMs(header(res, 'retry-after')) : null;
      if (attempt >= retries || (wait !== null && wait > maxRetryAfterMs)) {
        if (res.status === 429) {
          const after = header(res, 'retry-after');
          throw upstreamError(
            'UPSTREAM_RATE_LIMITED',
            `${url.host} is rate limiting regql${after ? `; retry after ${after}` : ''}`,
            429,
          );
        }
        throw upstreamError(
          'UPSTREAM_UNAVAILABLE',
          `${url.host} answered ${res.status}`,
          res.status,
        );
      }
      await sleep(wait ?? this.backoff(attempt, retryBaseMs));
    }
  }

  private backoff(attempt: number, base: number): number {
    return Math.random() * Math.min(10_000, base * 2 ** attempt);
  }

  close(): Promise<void> {
    return this.agent.close();
  }
}

/** Reads a whole body, refusing more than `limit` bytes (checked against Content-Length first). */
export async function readBounded(
  res: UpstreamResponse,
  limit: number,
  what: string,
): Promise<Buffer> {
  const declared = Number(header(res, 'content-length'));
  if (declared > limit) {
    res.body.destroy();
    throw upstreamError(
      'UPSTREAM_INVALID',
      `${what} of ${declared} bytes is over the ${limit}-byte limit`,
    );
  }
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of res.body) {
      size += (chunk as Buffer).length;
      if (size > limit) {
        res.body.destroy();
        throw upstreamError('UPSTREAM_INVALID', `${what} is over the ${limit}-byte limit`);
      }
      chunks.push(chunk as Buffer);
    }
  } catch (err) {
    if (isTimeout(err)) throw upstreamError('UPSTREAM_UNAVAILABLE', `${what} stalled`);
    if (isReset(err)) throw upstreamError('UPSTREAM_UNAVAILABLE', `${what} was cut off`);
    throw err;
  }
  return Buffer.concat(chunks);
}

export async function readJson(
  res: UpstreamResponse,
  limit: number,
  what: string,
): Promise<unknown> {
  const bytes = await readBounded(res, limit, what);
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch {
    throw upstreamError('UPSTREAM_INVALID', `${what} is not valid JSON`);
  }
}
