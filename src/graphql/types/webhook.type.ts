import { Field, ID, ObjectType } from 'type-graphql';
import { WebhookKind } from '../enums';

@ObjectType({
  description: 'An inbound webhook endpoint; its URL carries its secret and is shown once',
})
export class WebhookReceiver {
  @Field(() => ID)
  id!: string;

  @Field(() => WebhookKind)
  kind!: WebhookKind;

  @Field()
  namespace!: string;

  @Field()
  url!: string;
}
