import { Field, InputType } from 'type-graphql';

@InputType()
export class PullGrantInput {
  @Field({ description: 'The namespace that may pull' })
  namespace!: string;

  @Field({ description: 'The namespace whose images it may pull' })
  from!: string;
}
