import type { ApolloServerPlugin } from '@apollo/server';
import type { Metrics } from '../../metrics';

/** Counts and times every HTTP operation by name, and counts errors by code. */
export function metricsPlugin(metrics: Metrics): ApolloServerPlugin {
  return {
    async requestDidStart() {
      const stopTimer = metrics.graphqlDuration.startTimer();
      return {
        async didEncounterErrors({ errors }) {
          metrics.countErrors(errors);
        },
        async willSendResponse({ operationName }) {
          const operation = metrics.operationLabel(operationName);
          stopTimer({ operation });
          metrics.graphqlRequests.inc({ operation, transport: 'http' });
        },
      };
    },
  };
}
