import type { UpstreamErrorCode } from '../core/error-codes';
import { RegqlError } from '../core/errors';

/** A registry failed us; `code` says how, so callers can report it per item. */
export class UpstreamError extends RegqlError {
  constructor(
    code: UpstreamErrorCode,
    message: string,
    readonly status?: number,
  ) {
    super(code, message);
    this.name = 'UpstreamError';
  }
}

export const upstreamError = (code: UpstreamErrorCode, message: string, status?: number) =>
  new UpstreamError(code, message, status);
