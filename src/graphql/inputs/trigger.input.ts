import { Field, InputType } from 'type-graphql';
import { EventType } from '../enums';

@InputType()
export class AddTriggerInput {
  @Field()
  namespace!: string;

  @Field()
  url!: string;

  @Field(() => String, { nullable: true })
  stream?: string | null;

  @Field(() => String, { nullable: true })
  tag?: string | null;

  @Field(() => [EventType], { nullable: true })
  types?: EventType[] | null;
}
