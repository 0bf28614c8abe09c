import { Arg, FieldResolver, Int, Resolver } from 'type-graphql';
import { notImplemented } from '../../domain/errors';
import { connectionComplexity } from '../connection';
import { RemoteTag, RemoteTagConnection, Repository } from '../types/repository.type';

@Resolver(() => Repository)
export class RepositoryResolver {
  @FieldResolver(() => RemoteTagConnection, { complexity: connectionComplexity })
  tags(
    @Arg('first', () => Int, { nullable: true }) _first: number | null,
    @Arg('after', () => String, { nullable: true }) _after: string | null,
  ): RemoteTagConnection {
    throw notImplemented('Repository.tags');
  }

  @FieldResolver(() => RemoteTag, { nullable: true })
  tag(@Arg('name') _name: string): RemoteTag | null {
    throw notImplemented('Repository.tag');
  }
}
