import { Field, InputType } from 'type-graphql';
import { EventType } from '../enums';

@InputType()
export class AddTriggerInput {
  @Field()
  namespace!: string;

  @Field({ description: 'http or https; redirects are not followed' })
  url!: string;

  @Field(() => String, { nullable: true })
  stream?: string | null;

  @Field(() => String, { nullable: true })
  tag?: string | null;

  @Field(() => [EventType], { nullable: true, description: 'Null or empty: every type' })
  types?: EventType[] | null;

  @Field(() => String, {
    nullable: true,
    description: 'The HMAC-SHA256 key (16 to 256 characters); generated when left out',
  })
  secret?: string | null;
}
