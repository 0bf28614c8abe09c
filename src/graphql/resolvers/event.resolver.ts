import {
  Arg,
  Ctx,
  Int,
  Query,
  Resolver,
  Root,
  Subscription,
  type SubscribeResolverData,
} from 'type-graphql';
import { ALL_NAMESPACES, hasRole, type Identity } from '../../auth/roles';
import { invalidInput } from '../../core/errors';
import type { RegistryEvent as LogEvent } from '../../events/registry-event';
import { connectionComplexity, pageSize, type ConnectionShape } from '../connection';
import type { Context } from '../context';
import { requireIdentity, requireRole } from '../guards';
import { EventFilter } from '../inputs/event-filter.input';
import { RegistryEvent, RegistryEventConnection } from '../types/registry-event.type';

type SubscribeData = SubscribeResolverData<unknown, { filter?: EventFilter | null }, Context>;

/** Event ids are the log's positions; a connection cursor is the same id. */
function eventPosition(after: string | null | undefined): number | null {
  if (after === null || after === undefined) return null;
  if (!/^\d{1,15}$/.test(after)) throw invalidInput('after must be an event id');
  return Number(after);
}

function readerOf(ctx: Context, namespace: string | null | undefined): Identity {
  return namespace ? requireRole(ctx, namespace, 'VIEWER') : requireIdentity(ctx);
}

const toGraphql = (event: LogEvent): RegistryEvent =>
  ({ ...event, occurredAt: new Date(event.occurredAt) }) as RegistryEvent;

function subscribeToEvents({ args, context }: SubscribeData): AsyncIterable<LogEvent> {
  const { after, ...filter } = args.filter ?? {};
  const identity = readerOf(context, filter.namespace);
  return context.services.feed.subscribe({
    after: eventPosition(after),
    filter,
    readable: (namespace) => hasRole(identity, namespace, 'VIEWER'),
    tokenId: identity.id,
  });
}

@Resolver(() => RegistryEvent)
export class EventResolver {
  @Query(() => RegistryEventConnection, {
    complexity: connectionComplexity,
    description: 'The event log, oldest first; `after` takes an event id (every cursor is one)',
  })
  async events(
    @Arg('namespace', () => String, { nullable: true }) namespace: string | null,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Arg('first', () => Int, { nullable: true }) first: number | null,
    @Ctx() ctx: Context,
  ): Promise<ConnectionShape<RegistryEvent>> {
    const identity = readerOf(ctx, namespace);
    const limit = pageSize(first, 500);
    const position = eventPosition(after);
    const log = ctx.services.eventLog;
    if (position !== null) {
      const pruned = await log.prunedThrough();
      if (position < pruned)
        throw invalidInput(
          `events after ${position} are past the log's retention; page from after: ${pruned}`,
        );
    }
    const rows = await log.read({
      after: position ?? 0,
      readable: namespace || identity.namespace === ALL_NAMESPACES ? null : [identity.namespace],
      filter: { namespace },
      limit: limit + 1,
    });
    const edges = rows.slice(0, limit).map((e) => ({ cursor: e.id, node: toGraphql(e) }));
    return {
      edges,
      pageInfo: { hasNextPage: rows.length > limit, endCursor: edges.at(-1)?.cursor ?? null },
    };
  }

  @Subscription(() => RegistryEvent, {
    subscribe: subscribeToEvents,
    description:
      'Events as they are logged. With filter.after, first everything logged after that id, then live, with no gap and no duplicate',
  })
  registryEvents(
    @Root() event: LogEvent,
    @Arg('filter', () => EventFilter, { nullable: true }) _filter: EventFilter | null,
  ): RegistryEvent {
    return toGraphql(event);
  }
}
