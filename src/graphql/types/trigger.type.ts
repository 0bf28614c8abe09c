import { Field, ID, Int, ObjectType } from 'type-graphql';
import { EventType } from '../enums';

@ObjectType({ description: 'One event on its way to a trigger: the delivery log' })
export class TriggerDelivery {
  @Field(() => ID, { description: 'Sent as the X-Regql-Delivery header' })
  id!: string;

  @Field(() => ID)
  eventId!: string;

  @Field({ description: 'PENDING, DELIVERED or FAILED' })
  status!: string;

  @Field(() => Int)
  attempts!: number;

  @Field(() => String, { nullable: true })
  lastError!: string | null;

  @Field(() => Int, { nullable: true, description: 'HTTP status of the last answer' })
  lastStatusCode!: number | null;

  @Field(() => Date, { nullable: true, description: 'When a PENDING delivery is tried next' })
  nextAttemptAt!: Date | null;

  @Field()
  updatedAt!: Date;
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

  @Field(() => [EventType], { description: 'Empty: every type' })
  types!: EventType[];

  @Field(() => String, { nullable: true, description: 'Shown only once, by addTrigger' })
  secret!: string | null;

  @Field()
  createdAt!: Date;
}
