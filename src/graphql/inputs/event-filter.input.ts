import { Field, InputType } from 'type-graphql';
import { EventType } from '../enums';

@InputType()
export class EventFilter {
  @Field(() => String, { nullable: true })
  namespace?: string | null;

  @Field(() => String, { nullable: true })
  stream?: string | null;

  @Field(() => String, { nullable: true })
  tag?: string | null;

  @Field(() => [EventType], { nullable: true })
  types?: EventType[] | null;

  @Field(() => String, { nullable: true, description: 'Replay events after this id first' })
  after?: string | null;
}
