import { Field, ObjectType } from 'type-graphql';
import type { RegistryEntry } from '../../federation/catalog';
import { Connection } from '../connection';
import { DateTime } from '../scalars';

@ObjectType({ description: 'A tag as the registry reports it' })
export class RemoteTag {
  /** The repository it belongs to, for the digest and image resolvers. */
  repository!: Repository;

  @Field()
  name!: string;

  @Field(() => DateTime, {
    nullable: true,
    description: 'When the registry says the tag last moved',
  })
  lastModified!: Date | null;

  /** The digest when the listing already told it. */
  knownDigest!: string | null;
}

@ObjectType({
  description: 'One period during which a tag pointed at a digest',
  simpleResolvers: true,
})
export class TagHistoryEntry {
  @Field()
  tag!: string;

  @Field()
  digest!: string;

  @Field(() => DateTime)
  startedAt!: Date;

  @Field(() => DateTime, { nullable: true })
  endedAt!: Date | null;

  @Field()
  active!: boolean;

  @Field()
  isIndex!: boolean;
}

@ObjectType()
export class RemoteTagConnection extends Connection(RemoteTag, 'RemoteTag') {}

@ObjectType({ description: 'A repository of a registry' })
export class Repository {
  entry!: RegistryEntry;

  @Field({ description: 'Name of the registry' })
  registry!: string;

  @Field()
  name!: string;

  @Field(() => DateTime, { nullable: true })
  lastModified!: Date | null;
}

@ObjectType()
export class RepositoryConnection extends Connection(Repository, 'Repository') {}
