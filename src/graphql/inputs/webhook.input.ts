import { Field, InputType } from 'type-graphql';
import { WebhookKind } from '../enums';

@InputType()
export class CreateWebhookReceiverInput {
  @Field(() => WebhookKind)
  kind!: WebhookKind;

  @Field()
  namespace!: string;
}
