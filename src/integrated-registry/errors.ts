import type { ServerResponse } from 'node:http';
import { API_VERSION } from './api-version';

import type { RegistryErrorCode } from '../core/error-codes';

/** An answer in the Distribution spec's error format. */
export class OciError extends Error {
  constructor(
    readonly status: number,
    readonly code: RegistryErrorCode,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export function sendOciError(res: ServerResponse, error: OciError): void {
  const body = JSON.stringify({
    errors: [{ code: error.code, message: error.message, detail: null }],
  });
  res.writeHead(error.status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    ...API_VERSION,
    ...error.headers,
  });
  res.end(body);
}
