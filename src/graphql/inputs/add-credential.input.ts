import { Field, InputType } from 'type-graphql';
import { CredentialKind } from '../enums';

@InputType()
export class AddCredentialInput {
  @Field()
  namespace!: string;

  @Field({ description: 'host[/path] the credential applies to' })
  registryHost!: string;

  @Field(() => String, { nullable: true })
  username?: string | null;

  @Field({ description: 'Password or token; write-only' })
  password!: string;

  @Field(() => CredentialKind, { defaultValue: CredentialKind.BASIC })
  kind!: CredentialKind;
}
