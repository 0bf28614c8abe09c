import { Field, Int, ObjectType } from 'type-graphql';
import { Connection } from '../connection';
import { DateTime } from '../scalars';

@ObjectType({
  description: 'An entry of a tag history; the newest is the current image',
  simpleResolvers: true,
})
export class TagEvent {
  @Field(() => DateTime)
  created!: Date;

  @Field()
  dockerImageReference!: string;

  @Field({ description: 'Digest of the image' })
  image!: string;

  @Field(() => Int)
  generation!: number;
}

@ObjectType()
export class TagEventConnection extends Connection(TagEvent, 'TagEvent') {}

@ObjectType({ simpleResolvers: true })
export class TagCondition {
  @Field({ description: 'Always ImportSuccess' })
  type!: string;

  @Field({ description: 'True, False or Unknown' })
  status!: string;

  @Field(() => String, { nullable: true })
  reason!: string | null;

  @Field(() => String, { nullable: true })
  message!: string | null;

  @Field(() => DateTime)
  lastTransitionTime!: Date;

  @Field(() => Int)
  generation!: number;
}
