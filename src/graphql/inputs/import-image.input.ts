import { Field, InputType, Int } from 'type-graphql';
import { ImportMode, ReferencePolicyType } from '../enums';

@InputType()
export class ImportImageInput {
  @Field()
  namespace!: string;

  @Field()
  stream!: string;

  @Field(() => String, { nullable: true, description: 'Pull spec to import from' })
  from?: string | null;

  @Field(() => String, { nullable: true })
  tag?: string | null;

  @Field({ defaultValue: false })
  all!: boolean;

  @Field(() => Int, { nullable: true })
  limit?: number | null;

  @Field(() => String, { nullable: true, description: 'A regular expression or a semver range' })
  tagFilter?: string | null;

  @Field({ defaultValue: false })
  confirm!: boolean;

  @Field(() => Boolean, { nullable: true })
  scheduled?: boolean | null;

  @Field(() => Boolean, { nullable: true })
  insecure?: boolean | null;

  @Field(() => ImportMode, { nullable: true })
  importMode?: ImportMode | null;

  @Field(() => ReferencePolicyType, { nullable: true })
  referencePolicy?: ReferencePolicyType | null;

  @Field({ defaultValue: false })
  dryRun!: boolean;
}
