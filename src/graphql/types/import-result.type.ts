import { Field, ObjectType } from 'type-graphql';
import { ImportStatus } from '../enums';
import { Image } from './image.type';
import { ImageStream } from './image-stream.type';

@ObjectType()
export class ImportTagResult {
  @Field()
  tag!: string;

  @Field(() => ImportStatus)
  status!: ImportStatus;

  @Field(() => String, { nullable: true })
  reason!: string | null;

  @Field(() => String, { nullable: true })
  message!: string | null;

  @Field(() => Image, { nullable: true })
  image!: Image | null;
}

@ObjectType()
export class ImportResult {
  @Field(() => ImageStream, { nullable: true })
  stream!: ImageStream | null;

  @Field(() => [ImportTagResult])
  images!: ImportTagResult[];

  @Field(() => [String], { description: 'Tags found upstream but not imported (limit or filter)' })
  additionalTags!: string[];

  @Field()
  dryRun!: boolean;
}
