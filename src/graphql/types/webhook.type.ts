import { Field, ID, ObjectType } from 'type-graphql';
import { WebhookKind } from '../enums';

@ObjectType({
  description:
    'An inbound webhook endpoint. Its secret is shown once, by createWebhookReceiver: in `url` and in `secret`',
})
export class WebhookReceiver {
  @Field(() => ID)
  id!: string;

  @Field(() => WebhookKind)
  kind!: WebhookKind;

  @Field()
  namespace!: string;

  @Field({
    description:
      'Where the registry posts: with the secret as its last path segment when just created; without it afterwards (send the secret in an X-Regql-Webhook-Secret or Authorization header)',
  })
  url!: string;

  @Field(() => String, {
    nullable: true,
    description: 'The secret, in the createWebhookReceiver response only',
  })
  secret!: string | null;
}
