import { Field, ID, ObjectType } from 'type-graphql';
import { Connection } from '../connection';
import { EventType } from '../enums';
import { DateTime } from '../scalars';

@ObjectType({ simpleResolvers: true })
export class RegistryEvent {
  @Field(() => ID)
  id!: string;

  @Field(() => EventType)
  type!: EventType;

  @Field(() => DateTime)
  occurredAt!: Date;

  @Field(() => String, { nullable: true })
  namespace!: string | null;

  @Field(() => String, { nullable: true })
  stream!: string | null;

  @Field(() => String, { nullable: true })
  tag!: string | null;

  @Field(() => String, { nullable: true })
  registry!: string | null;

  @Field(() => String, { nullable: true })
  repository!: string | null;

  @Field(() => String, { nullable: true })
  digest!: string | null;

  @Field(() => String, { nullable: true })
  previousDigest!: string | null;

  @Field(() => String, { nullable: true })
  message!: string | null;
}

@ObjectType()
export class RegistryEventConnection extends Connection(RegistryEvent, 'RegistryEvent') {}
