import { Field, Int, ObjectType } from 'type-graphql';
import { Connection } from '../connection';
import { ImportMode, ReferencePolicyType, TagSourceKind } from '../enums';
import { DateTime } from '../scalars';
import { TagCondition, TagEvent } from './tag-event.type';

@ObjectType({ simpleResolvers: true })
export class TagSource {
  @Field(() => TagSourceKind)
  kind!: TagSourceKind;

  @Field({ description: 'A pull spec, ns/stream:tag or ns/stream@digest' })
  name!: string;
}

@ObjectType({ simpleResolvers: true })
export class TagImportPolicy {
  @Field()
  scheduled!: boolean;

  @Field()
  insecure!: boolean;

  @Field(() => ImportMode)
  importMode!: ImportMode;
}

@ObjectType({
  description: 'A tag of an image stream: what was asked for (spec) and what is (history)',
})
export class ImageStreamTag {
  /** Owning stream and current history entry, for field resolvers; not exposed. */
  streamId!: string;
  namespace!: string;
  stream!: string;
  currentReference!: string | null;

  @Field()
  name!: string;

  @Field(() => TagSource, { nullable: true })
  from!: TagSource | null;

  @Field({ description: 'Point at the source without importing it' })
  reference!: boolean;

  @Field(() => TagImportPolicy)
  importPolicy!: TagImportPolicy;

  @Field(() => ReferencePolicyType)
  referencePolicy!: ReferencePolicyType;

  @Field(() => Int)
  generation!: number;

  @Field(() => TagEvent, { nullable: true, description: 'The newest history entry' })
  current!: TagEvent | null;

  @Field(() => [TagCondition])
  conditions!: TagCondition[];

  @Field(() => String, { nullable: true, description: 'Where clients pull the current image from' })
  pullSpec!: string | null;
}

@ObjectType({
  description: 'Tags that track images, with history, like an OpenShift image stream',
  simpleResolvers: true,
})
export class ImageStream {
  id!: string;

  @Field()
  namespace!: string;

  @Field()
  name!: string;

  @Field(() => Int)
  generation!: number;

  @Field(() => DateTime)
  createdAt!: Date;

  @Field(() => String, {
    nullable: true,
    description:
      'Platform LEGACY imports take from manifest lists; null: the server default (linux/amd64)',
  })
  platform!: string | null;
}

@ObjectType()
export class ImageStreamConnection extends Connection(ImageStream, 'ImageStream') {}
