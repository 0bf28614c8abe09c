import { Field, Int, ObjectType } from 'type-graphql';
import { SafeInt } from '../scalars';

@ObjectType({
  description: 'What a garbage collection of the integrated registry removed',
  simpleResolvers: true,
})
export class GarbageCollection {
  @Field(() => Int)
  removedBlobs!: number;

  @Field(() => SafeInt)
  freedBytes!: number;

  @Field(() => Int)
  keptBlobs!: number;

  @Field(() => Int, {
    description: 'Upload sessions nobody had written to for registry.uploadMaxAgeSeconds',
  })
  removedUploads!: number;

  @Field(() => SafeInt, { description: 'Bytes the removed upload sessions held' })
  freedUploadBytes!: number;
}
