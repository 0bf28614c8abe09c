import { Field, ID, ObjectType } from 'type-graphql';
import { Role } from '../enums';

@ObjectType({ description: 'Who is calling: a token with one role in one namespace ("*" for all)' })
export class Identity {
  @Field(() => ID)
  id!: string;

  @Field()
  description!: string;

  @Field()
  namespace!: string;

  @Field(() => Role)
  role!: Role;

  @Field()
  clusterAdmin!: boolean;
}

@ObjectType({ description: 'A new token; the token itself is shown only here, once' })
export class CreatedToken {
  @Field(() => ID)
  id!: string;

  @Field()
  token!: string;
}
