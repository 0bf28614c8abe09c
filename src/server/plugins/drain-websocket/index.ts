import type { ApolloServerPlugin } from '@apollo/server';

/** Closes graphql-ws connections when Apollo stops (graphql-ws bypasses Apollo otherwise). */
export function drainWebSocketPlugin(dispose: () => Promise<void> | void): ApolloServerPlugin {
  return {
    async serverWillStart() {
      return {
        async drainServer() {
          await dispose();
        },
      };
    },
  };
}
