import { upstreamError } from '../upstream-error';
import { readBounded, type UpstreamResponse } from './transport';

/**
 * The response when its status is one of `ok`; otherwise its body is read (bounded) for the
 * registry's error detail and the status becomes the matching upstream error.
 */
export async function expectStatus(
  res: UpstreamResponse,
  ok: readonly number[],
  what: string,
): Promise<UpstreamResponse> {
  if (ok.includes(res.status)) return res;
  const detail = await readBounded(res, 64 * 1024, what).then(
    (b) => errorDetail(b),
    () => '',
  );
  if (res.status === 401 || res.status === 403) {
    throw upstreamError(
      'UPSTREAM_UNAUTHORIZED',
      `${what}: the registry refused access (${res.status})${detail}`,
      res.status,
    );
  }
  if (res.status === 404)
    throw upstreamError('UPSTREAM_NOT_FOUND', `${what} does not exist${detail}`, 404);
  throw upstreamError(
    'UPSTREAM_REJECTED',
    `${what}: the registry answered ${res.status}${detail}`,
    res.status,
  );
}

function errorDetail(body: Buffer): string {
  try {
    const parsed = JSON.parse(body.toString('utf8')) as {
      errors?: { code?: string; message?: string }[];
    };
    const first = parsed.errors?.[0];
    return first ? `: ${[first.code, first.message].filter(Boolean).join(' ')}`.slice(0, 300) : '';
  } catch {
    return '';
  }
}
