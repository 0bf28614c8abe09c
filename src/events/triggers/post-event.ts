import { request, type Dispatcher } from 'undici';
import { header, isTimeout, retryAfterMs } from '../../oci/client/transport';
import { egressDenial } from '../../egress/egress-denied';

export type AttemptResult =
  | { result: 'DELIVERED'; statusCode: number }
  | { result: 'RETRY'; statusCode: number | null; error: string; retryAfterMs: number | null }
  | { result: 'FAILED'; statusCode: number | null; error: string };

const RESPONSE_BODY_LIMIT = 64 * 1024;
const MAX_ERROR_LENGTH = 200;

function networkError(err: unknown): string {
  const code = (err as { code?: unknown }).code;
  const cause = (err as { cause?: { code?: unknown } }).cause?.code;
  const reason = [code, cause].find((c) => typeof c === 'string') ?? (err as Error).message;
  return `connection failed: ${String(reason)}`.slice(0, MAX_ERROR_LENGTH);
}

/**
 * One POST of an event to a trigger's URL, bounded by `timeoutMs` from connect to the end of the
 * response. Redirects are not followed. The response body is read (bounded) and dropped; neither
 * it nor the URL goes into the error, which the API shows.
 */
export async function postEvent(
  dispatcher: Dispatcher,
  url: string,
  body: string,
  headers: Record<string, string>,
  timeoutMs: number,
): Promise<AttemptResult> {
  const signal = AbortSignal.timeout(timeoutMs);
  let statusCode: number;
  let wait: number | null;
  try {
    const res = await request(url, { dispatcher, method: 'POST', headers, body, signal });
    statusCode = res.statusCode;
    wait = [429, 503].includes(statusCode) ? retryAfterMs(header(res, 'retry-after')) : null;
    await res.body.dump({ limit: RESPONSE_BODY_LIMIT });
  } catch (err) {
    const denied = egressDenial(err);
    if (denied) return { result: 'FAILED', statusCode: null, error: `refused: ${denied.reason}` };
    if (isTimeout(err) || signal.aborted)
      return {
        result: 'RETRY',
        statusCode: null,
        error: `no answer within ${timeoutMs} ms`,
        retryAfterMs: null,
      };
    return { result: 'RETRY', statusCode: null, error: networkError(err), retryAfterMs: null };
  }
  if (statusCode >= 200 && statusCode < 300) return { result: 'DELIVERED', statusCode };
  if (statusCode === 429 || statusCode >= 500)
    return { result: 'RETRY', statusCode, error: `HTTP ${statusCode}`, retryAfterMs: wait };
  if (statusCode >= 300 && statusCode < 400)
    return {
      result: 'FAILED',
      statusCode,
      error: `HTTP ${statusCode}: redirects are not followed`,
    };
  return { result: 'FAILED', statusCode, error: `HTTP ${statusCode}` };
}
