import { Arg, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import { notImplemented } from '../../domain/errors';
import type { Context } from '../context';
import { requireIdentity, requireRole } from '../guards';
import { AddTriggerInput, CreateWebhookReceiverInput } from '../inputs/webhook.input';
import { Trigger, WebhookReceiver } from '../types/webhook.type';

@Resolver()
export class WebhookResolver {
  @Mutation(() => WebhookReceiver)
  createWebhookReceiver(
    @Arg('input') input: CreateWebhookReceiverInput,
    @Ctx() ctx: Context,
  ): WebhookReceiver {
    requireRole(ctx, input.namespace, 'ADMIN');
    throw notImplemented('createWebhookReceiver');
  }

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
