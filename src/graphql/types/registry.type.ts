import { Field, Int, ObjectType } from 'type-graphql';
import type { RegistryEntry } from '../../federation/catalog';
import { RegistryKind } from '../enums';
import { DateTime } from '../scalars';

@ObjectType()
export class RegistryHealth {
  @Field()
  ok!: boolean;

  @Field(() => Int, { nullable: true })
  latencyMs!: number | null;

  @Field(() => String, { nullable: true, description: 'Bearer, Basic or none' })
  authScheme!: string | null;

  @Field(() => String, { nullable: true })
  message!: string | null;
}

@ObjectType()
export class RateLimit {
  @Field(() => Int)
  limit!: number;

  @Field(() => Int)
  remaining!: number;

  @Field(() => Int)
  windowSeconds!: number;

  @Field(() => String, { nullable: true })
  source!: string | null;

  @Field(() => DateTime)
  observedAt!: Date;
}

@ObjectType({ description: 'A registry regql federates' })
export class Registry {
  entry!: RegistryEntry;

  @Field()
  name!: string;

  /** From the store; a value of `RegistryKind`. */
  @Field(() => RegistryKind)
  kind!: string;

  @Field()
  url!: string;

  @Field(() => [String], { description: 'Host names pull specs use for this registry' })
  hosts!: string[];

  @Field()
  insecure!: boolean;

  @Field(() => String, {
    nullable: true,
    description: "The vendor's REST API when it is elsewhere",
  })
  apiUrl!: string | null;

  @Field({ description: 'Configured in the configuration file rather than added through the API' })
  configured!: boolean;
}
