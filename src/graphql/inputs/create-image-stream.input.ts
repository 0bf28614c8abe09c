import { Field, InputType } from 'type-graphql';
import { ImportMode, ReferencePolicyType, TagSourceKind } from '../enums';

@InputType()
export class TagImportPolicyInput {
  @Field({ defaultValue: false })
  scheduled!: boolean;

  @Field({ defaultValue: false })
  insecure!: boolean;

  @Field(() => ImportMode, { defaultValue: ImportMode.LEGACY })
  importMode!: ImportMode;
}

@InputType()
export class TagSpecInput {
  @Field()
  name!: string;

  @Field(() => String, {
    nullable: true,
    description: 'A pull spec with a registry host, [ns/]stream:tag, or [ns/]stream@digest',
  })
  from?: string | null;

  @Field(() => TagSourceKind, {
    nullable: true,
    description: 'How to read from; inferred when absent',
  })
  fromKind?: TagSourceKind | null;

  @Field({ defaultValue: false })
  reference!: boolean;

  @Field(() => TagImportPolicyInput, { nullable: true })
  importPolicy?: TagImportPolicyInput | null;

  @Field(() => ReferencePolicyType, { defaultValue: ReferencePolicyType.SOURCE })
  referencePolicy!: ReferencePolicyType;
}

@InputType()
export class CreateImageStreamInput {
  @Field()
  namespace!: string;

  @Field()
  name!: string;

  @Field(() => [TagSpecInput], { defaultValue: [] })
  tags!: TagSpecInput[];

  @Field(() => String, {
    nullable: true,
    description: 'os/architecture[/variant] to import from manifest lists',
  })
  platform?: string | null;
}
