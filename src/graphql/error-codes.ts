import { GraphQLError } from 'graphql';
import type { MiddlewareFn } from 'type-graphql';
import { RegqlError } from '../domain/errors';
import type { Context } from './context';

/**
 * Turns the core's errors into GraphQL errors with `extensions.code`, the same on HTTP and
 * WebSocket. Anything unexpected is logged and answered as INTERNAL_SERVER_ERROR without detail.
 */
export const errorCodes: MiddlewareFn<Context> = async ({ context }, next) => {
  try {
    return await next();
  } catch (err) {
    if (err instanceof GraphQLError) throw err;
    if (err instanceof RegqlError)
      throw new GraphQLError(err.message, { extensions: { code: err.code } });
    context.log.error({ err }, 'resolver failed');
    throw new GraphQLError('internal error', { extensions: { code: 'INTERNAL_SERVER_ERROR' } });
  }
};
