import { Field, InputType } from 'type-graphql';
import { Role } from '../enums';

@InputType()
export class CreateTokenInput {
  @Field({ description: 'A namespace, or "*" for every namespace (cluster admins only)' })
  namespace!: string;

  @Field(() => Role)
  role!: Role;

  @Field({ defaultValue: '' })
  description!: string;
}
