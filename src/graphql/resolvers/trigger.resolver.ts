import { Arg, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import { notImplemented } from '../../domain/errors';
import type { Context } from '../context';
import { requireIdentity, requireRole } from '../guards';
import { AddTriggerInput } from '../inputs/trigger.input';
import { Trigger } from '../types/trigger.type';

@Resolver()
export class TriggerResolver {
  @Query(() => [Trigger], { description: 'Outbound triggers with their delivery log' })
  triggers(@Arg('namespace') namespace: string, @Ctx() ctx: Context): Trigger[] {
    requireRole(ctx, namespace, 'VIEWER');
    throw notImplemented('triggers');
  }

  @Mutation(() => Trigger)
  addTrigger(@Arg('input') input: AddTriggerInput, @Ctx() ctx: Context): Trigger {
    requireRole(ctx, input.namespace, 'EDITOR');
    throw notImplemented('addTrigger');
  }

  @Mutation(() => Boolean)
  removeTrigger(@Arg('id', () => ID) _id: string, @Ctx() ctx: Context): boolean {
    requireIdentity(ctx);
    throw notImplemented('removeTrigger');
  }
}
