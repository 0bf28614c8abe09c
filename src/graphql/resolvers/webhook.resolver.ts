import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import { notImplemented } from '../../domain/errors';
import type { Context } from '../context';
import { requireRole } from '../guards';
import { CreateWebhookReceiverInput } from '../inputs/webhook.input';
import { WebhookReceiver } from '../types/webhook.type';

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
}
