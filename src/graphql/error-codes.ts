import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import type { Logger } from 'pino';
import { RegqlError } from '../core/errors';
import type { ErrorCode } from '../core/error-codes';

/**
 * What a client sees of an error, the same on HTTP and WebSocket: the core's errors get their
 * `extensions.code`; anything unexpected is logged and answered as INTERNAL_SERVER_ERROR without
 * detail. Done once per error rather than as a resolver middleware, which would cost every field.
 */
export function clientError(error: GraphQLError, log: Logger): GraphQLFormattedError {
  const original = error.originalError;
  if (!original || original instanceof GraphQLError) return error.toJSON();
  const formatted = error.toJSON();
  if (original instanceof RegqlError)
    return { ...formatted, extensions: { ...formatted.extensions, code: original.code } };
  log.error({ err: original, path: error.path }, 'resolver failed');
  return {
    ...formatted,
    message: 'internal error',
    extensions: { code: 'INTERNAL_SERVER_ERROR' satisfies ErrorCode },
  };
}
