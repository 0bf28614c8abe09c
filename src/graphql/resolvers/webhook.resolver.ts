import { Arg, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import { hasRole } from '../../auth/roles';
import { hashToken, newId, newTokenSecret } from '../../auth/token-secret';
import { notFound } from '../../core/errors';
import { assertDnsLabel } from '../../domain/names';
import { builtInPluginRegistry } from '../../../plugins';
import type { Receiver } from '../../events/webhooks/receiver-store';
import type { Context } from '../context';
import { requireIdentity, requireRole } from '../guards';
import { CreateWebhookReceiverInput } from '../inputs/webhook.input';
import { WebhookReceiver } from '../types/webhook.type';

function toGraphql(ctx: Context, receiver: Receiver, secret: string | null): WebhookReceiver {
  const { slug } = builtInPluginRegistry.webhook(receiver.kind).webhook;
  const endpoint = `${ctx.services.publicUrl}/webhooks/${slug}/${receiver.id}`;
  return {
    id: receiver.id,
    kind: receiver.kind,
    namespace: receiver.namespace,
    url: secret ? `${endpoint}/${secret}` : endpoint,
    secret,
  };
}

@Resolver()
export class WebhookResolver {
  @Mutation(() => WebhookReceiver, {
    description: 'An endpoint a registry posts push notifications to (needs ADMIN)',
  })
  async createWebhookReceiver(
    @Arg('input') input: CreateWebhookReceiverInput,
    @Ctx() ctx: Context,
  ): Promise<WebhookReceiver> {
    assertDnsLabel('namespace', input.namespace);
    requireRole(ctx, input.namespace, 'ADMIN');
    const receiver: Receiver = {
      id: newId('whr'),
      kind: input.kind,
      namespace: input.namespace,
      createdAt: new Date().toISOString(),
    };
    const secret = newTokenSecret();
    await ctx.services.webhookReceivers.insert(receiver, hashToken(secret));
    return toGraphql(ctx, receiver, secret);
  }

  @Query(() => [WebhookReceiver], { description: 'Webhook receivers, without their secrets' })
  async webhookReceivers(
    @Arg('namespace') namespace: string,
    @Ctx() ctx: Context,
  ): Promise<WebhookReceiver[]> {
    requireRole(ctx, namespace, 'VIEWER');
    const receivers = await ctx.services.webhookReceivers.list(namespace);
    return receivers.map((r) => toGraphql(ctx, r, null));
  }

  @Mutation(() => Boolean)
  async removeWebhookReceiver(
    @Arg('id', () => ID) id: string,
    @Ctx() ctx: Context,
  ): Promise<boolean> {
    const caller = requireIdentity(ctx);
    const receiver = await ctx.services.webhookReceivers.withSecretHash(id);
    if (!receiver || !hasRole(caller, receiver.namespace, 'ADMIN'))
      throw notFound(`no webhook receiver ${id} that you may remove`);
    return ctx.services.webhookReceivers.delete(id);
  }
}
