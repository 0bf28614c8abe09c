import { Field, ID, Int, ObjectType } from 'type-graphql';
import { EventType } from '../enums';

@ObjectType()
export class TriggerDelivery {
  @Field(() => ID)
  eventId!: string;

  @Field({ description: 'PENDING, DELIVERED or FAILED' })
  status!: string;

  @Field(() => Int)
  attempts!: number;

  @Field(() => String, { nullable: true })
  lastError!: string | null;
}

@ObjectType({ description: 'An outbound webhook that regql calls on matching events' })
export class Trigger {
  @Field(() => ID)
  id!: string;

  @Field()
  namespace!: string;

  @Field()
  url!: string;

  @Field(() => String, { nullable: true })
  stream!: string | null;

  @Field(() => String, { nullable: true })
  tag!: string | null;

  @Field(() => [EventType])
  types!: EventType[];

  @Field(() => [TriggerDelivery])
  deliveries!: TriggerDelivery[];
}
