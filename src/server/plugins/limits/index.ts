import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError } from 'graphql';
import { queryLimitError, type QueryLimits } from '../../../graphql/query-limits';

/** Rejects operations nested too deep or costing too much, before anything executes. */
export function limitsPlugin(limits: QueryLimits): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, request, operationName }) {
          const error = queryLimitError(
            schema,
            document,
            request.variables,
            operationName ?? undefined,
            limits,
          );
          if (error) {
            throw new GraphQLError(error.message, {
              extensions: { ...error.extensions, http: { status: 400 } },
            });
          }
        },
      };
    },
  };
}
