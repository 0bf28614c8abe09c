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
import { hasRole } from '../../auth/roles';
import { notImplemented } from '../../domain/errors';
import { matchesFilter, type RegistryEvent as BusEvent } from '../../events/registry-event';
import { connectionComplexity } from '../connection';
import type { Context } from '../context';
import { requireIdentity, requireRole } from '../guards';
import { EventFilter } from '../inputs/event-filter.input';
import { RegistryEvent, RegistryEventConnection } from '../types/registry-event.type';

type SubscribeData = SubscribeResolverData<unknown, { filter?: EventFilter | null }, Context>;

function subscribeToEvents({ args, context }: SubscribeData): AsyncIterable<BusEvent> {
  const filter = args.filter ?? {};
  const identity = filter.namespace
    ? requireRole(context, filter.namespace, 'VIEWER')
    : requireIdentity(context);
  if (filter.after) throw notImplemented('registryEvents with after (catch-up)');
  return context.services.bus.subscribe(
    (event) =>
      event.namespace !== null &&
      hasRole(identity, event.namespace, 'VIEWER') &&
      matchesFilter(event, filter),
  );
}

@Resolver(() => RegistryEvent)
export class EventResolver {
  @Query(() => RegistryEventConnection, { complexity: connectionComplexity })
  events(
    @Arg('namespace', () => String, { nullable: true }) namespace: string | null,
    @Arg('after', () => String, { nullable: true }) _after: string | null,
    @Arg('first', () => Int, { nullable: true }) _first: number | null,
    @Ctx() ctx: Context,
  ): RegistryEventConnection {
    if (namespace) requireRole(ctx, namespace, 'VIEWER');
    else requireIdentity(ctx);
    throw notImplemented('events');
  }

  @Subscription(() => RegistryEvent, {
    subscribe: subscribeToEvents,
    description: 'Push and import events as they happen',
  })
  registryEvents(
    @Root() event: BusEvent,
    @Arg('filter', () => EventFilter, { nullable: true }) _filter: EventFilter | null,
  ): RegistryEvent {
    return { ...event, occurredAt: new Date(event.occurredAt) } as RegistryEvent;
  }
}
