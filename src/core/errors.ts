import type { ErrorCode } from './error-codes';

/** Errors the core raises; the GraphQL layer maps `code` to `extensions.code`. */
export class RegqlError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'RegqlError';
  }
}

export const invalidInput = (message: string) => new RegqlError('BAD_USER_INPUT', message);
export const notFound = (message: string) => new RegqlError('NOT_FOUND', message);

/** A configuration or command line that cannot work; regql says so and exits. */
export class ConfigError extends Error {}
