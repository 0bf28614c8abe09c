import { Field, ID, ObjectType } from 'type-graphql';
import { CredentialKind } from '../enums';
import { DateTime } from '../scalars';

@ObjectType({ description: 'A stored registry credential; the secret is never returned' })
export class Credential {
  @Field(() => ID)
  id!: string;

  @Field()
  namespace!: string;

  @Field()
  registryHost!: string;

  @Field(() => String, { nullable: true })
  username!: string | null;

  @Field(() => CredentialKind)
  kind!: CredentialKind;

  @Field(() => DateTime)
  createdAt!: Date;
}

@ObjectType()
export class CredentialVerification {
  @Field()
  ok!: boolean;

  @Field(() => String, { nullable: true })
  message!: string | null;
}
