import { Field, InputType, Int } from 'type-graphql';

@InputType()
export class TagImageInput {
  @Field(() => String, {
    nullable: true,
    description: 'ns/stream:tag, ns/stream@sha256:.., or a pull spec',
  })
  source?: string | null;

  @Field({ description: 'ns/stream:tag' })
  destination!: string;

  @Field({ defaultValue: false })
  alias!: boolean;

  @Field({ defaultValue: false })
  delete!: boolean;
}

@InputType()
export class RollbackTagInput {
  @Field()
  namespace!: string;

  @Field()
  stream!: string;

  @Field()
  tag!: string;

  @Field(() => String, { nullable: true })
  digest?: string | null;

  @Field(() => Int, { nullable: true, description: 'Index in the history, 0 being current' })
  position?: number | null;
}
