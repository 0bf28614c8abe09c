import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { hasRole } from '../../auth/roles';
import { invalidInput, notFound } from '../../core/errors';
import { newTrigger } from '../../events/triggers/trigger-input';
import type { DeliveryView, TriggerView } from '../../events/triggers/trigger-store';
import { connectionComplexity, pageSize } from '../connection';
import type { Context } from '../context';
import { requireIdentity, requireRole } from '../guards';
import { AddTriggerInput } from '../inputs/trigger.input';
import { Trigger, TriggerDelivery } from '../types/trigger.type';

const MAX_TRIGGERS_PER_NAMESPACE = 100;

/** A URL's query may carry the receiver's own token: only those who may manage triggers see it. */
function withoutQuery(url: string): string {
  const parsed = new URL(url);
  const hidden = parsed.search ? '?…' : '';
  parsed.search = '';
  parsed.hash = '';
  return parsed.href + hidden;
}

const toTrigger = (view: TriggerView, secret: string | null = null): Trigger => ({
  ...view,
  secret,
  createdAt: new Date(view.createdAt),
});

const toDelivery = (view: DeliveryView): TriggerDelivery => ({
  ...view,
  nextAttemptAt: view.nextAttemptAt === null ? null : new Date(view.nextAttemptAt),
  updatedAt: new Date(view.updatedAt),
});

@Resolver(() => Trigger)
export class TriggerResolver {
  @Query(() => [Trigger], { description: 'Outbound triggers with their delivery log' })
  async triggers(@Arg('namespace') namespace: string, @Ctx() ctx: Context): Promise<Trigger[]> {
    const identity = requireRole(ctx, namespace, 'VIEWER');
    const manages = hasRole(identity, namespace, 'EDITOR');
    return (await ctx.services.triggers.list(namespace)).map((view) =>
      toTrigger(manages ? view : { ...view, url: withoutQuery(view.url) }),
    );
  }

  @Mutation(() => Trigger, {
    description:
      'Registers a webhook that regql POSTs matching events to, signed with HMAC-SHA256 in X-Regql-Signature-256; the secret is shown in this answer only',
  })
  async addTrigger(@Arg('input') input: AddTriggerInput, @Ctx() ctx: Context): Promise<Trigger> {
    requireRole(ctx, input.namespace, 'EDITOR');
    const trigger = newTrigger(input, ctx.services.triggerEgress);
    if ((await ctx.services.triggers.list(input.namespace)).length >= MAX_TRIGGERS_PER_NAMESPACE)
      throw invalidInput(`a namespace has at most ${MAX_TRIGGERS_PER_NAMESPACE} triggers`);
    return toTrigger(await ctx.services.triggers.add(trigger), trigger.secret);
  }

  @Mutation(() => Boolean, { description: 'Removes a trigger and its queued deliveries' })
  async removeTrigger(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<boolean> {
    const identity = requireIdentity(ctx);
    const trigger = await ctx.services.triggers.get(id);
    if (!trigger || !hasRole(identity, trigger.namespace, 'EDITOR'))
      throw notFound(`no trigger ${id} that you may manage`);
    return ctx.services.triggers.remove(id);
  }

  @FieldResolver(() => [TriggerDelivery], {
    complexity: connectionComplexity,
    description: 'The delivery log, newest first',
  })
  async deliveries(
    @Root() trigger: Trigger,
    @Arg('first', () => Int, { nullable: true }) first: number | null,
    @Ctx() ctx: Context,
  ): Promise<TriggerDelivery[]> {
    const views = await ctx.loaders.deliveries.load({
      triggerId: trigger.id,
      first: pageSize(first),
    });
    return views.map(toDelivery);
  }
}
