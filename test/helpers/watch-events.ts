import { print } from 'graphql';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { RegistryEventsDocument, type RegistryEventsSubscription } from '../generated/graphql';

export type ReceivedEvent = RegistryEventsSubscription['registryEvents'];

export interface EventWatch {
  events: ReceivedEvent[];
  errors: unknown[];
  stop: () => Promise<void>;
}

/** A graphql-ws `registryEvents` subscription to the server at `url`, collecting what arrives. */
export function watchEvents(
  url: string,
  token: string,
  filter: Record<string, unknown>,
): EventWatch {
  const client = createClient({
    url: url.replace(/^http/, 'ws') + '/graphql',
    webSocketImpl: WebSocket,
    connectionParams: { authorization: token },
    retryAttempts: 0,
  });
  const events: ReceivedEvent[] = [];
  const errors: unknown[] = [];
  client.subscribe<RegistryEventsSubscription>(
    { query: print(RegistryEventsDocument), variables: { filter } },
    {
      next: (r) => (r.errors ? errors.push(...r.errors) : events.push(r.data!.registryEvents)),
      error: (e) => errors.push(...(Array.isArray(e) ? e : [e])),
      complete: () => {},
    },
  );
  return { events, errors, stop: async () => client.dispose() };
}
