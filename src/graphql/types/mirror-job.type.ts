import { Field, ID, Int, ObjectType } from 'type-graphql';
import { Connection } from '../connection';
import { MirrorJobState } from '../enums';
import { DateTime, SafeInt } from '../scalars';

@ObjectType({ simpleResolvers: true, description: 'A copy of an image between registries' })
export class MirrorJob {
  @Field(() => ID)
  id!: string;

  @Field()
  namespace!: string;

  @Field()
  source!: string;

  @Field()
  destination!: string;

  @Field()
  allPlatforms!: boolean;

  @Field()
  includeReferrers!: boolean;

  @Field(() => MirrorJobState)
  state!: MirrorJobState;

  @Field(() => SafeInt, { description: 'Bytes of blobs at the destination so far' })
  bytesDone!: number;

  @Field(() => SafeInt, {
    nullable: true,
    description: 'Bytes of every blob to copy; null until the source was read',
  })
  bytesTotal!: number | null;

  @Field(() => Int, { description: 'Blobs streamed from the source' })
  blobsCopied!: number;

  @Field(() => Int, { description: 'Blobs linked within the destination registry' })
  blobsMounted!: number;

  @Field(() => Int, { description: 'Blobs the destination already held' })
  blobsSkipped!: number;

  @Field(() => String, {
    nullable: true,
    description: 'Digest of what the source named (for one platform, its image)',
  })
  digest!: string | null;

  @Field(() => String, { nullable: true, description: 'Why the job failed' })
  message!: string | null;

  @Field(() => DateTime)
  createdAt!: Date;

  @Field(() => DateTime, { nullable: true })
  startedAt!: Date | null;

  @Field(() => DateTime, { nullable: true })
  finishedAt!: Date | null;
}

@ObjectType()
export class MirrorJobConnection extends Connection(MirrorJob, 'MirrorJob') {}
