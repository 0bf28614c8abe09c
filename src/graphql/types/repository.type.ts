import { Field, ObjectType } from 'type-graphql';
import { Connection } from '../connection';
import { Image } from './image.type';

@ObjectType({ description: 'A tag as the registry reports it' })
export class RemoteTag {
  @Field()
  name!: string;

  @Field(() => String, { nullable: true })
  digest!: string | null;

  @Field(() => Image, { nullable: true })
  image!: Image | null;
}

@ObjectType()
export class RemoteTagConnection extends Connection(RemoteTag, 'RemoteTag') {}

@ObjectType({ description: 'A repository of a registry' })
export class Repository {
  @Field({ description: 'Name of the registry' })
  registry!: string;

  @Field()
  name!: string;
}

@ObjectType()
export class RepositoryConnection extends Connection(Repository, 'Repository') {}
