import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError } from 'graphql';
import { complexityError } from '../../../graphql/query-limits';

/** Rejects operations that cost more than `maxComplexity` before anything executes. */
export function limitsPlugin(maxComplexity: number): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, request, operationName }) {
          const error = complexityError(schema, document, request.variables, operationName ?? undefined, maxComplexity);
          if (error) {
            throw new GraphQLError(error.message, { extensions: { ...error.extensions, http: { status: 400 } } });
          }
        },
      };
    },
  };
}
