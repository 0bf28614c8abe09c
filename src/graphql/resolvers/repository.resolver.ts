import {
  Arg,
  Ctx,
  FieldResolver,
  InputType,
  Field,
  Int,
  Mutation,
  Resolver,
  Root,
} from 'type-graphql';
import { invalidInput, notFound, RegqlError } from '../../core/errors';
import { assertTag } from '../../domain/names';
import { digestProblem } from '../../oci/reference';
import { connectionComplexity, decodeCursor, pageSize, toUpstreamConnection } from '../connection';
import { forCaller, forNamespace } from '../../federation/browser';
import type { Context } from '../context';
import { locatedIn, nullIfNotFound } from '../to-image';
import { requireClusterAdmin, requireRole } from '../guards';
import {
  RemoteTag,
  RemoteTagConnection,
  Repository,
  TagHistoryEntry,
} from '../types/repository.type';
import { assertRepositoryName } from './repository-name';

/** Registries page tags by 100 at most; a connection here may span up to ten such pages. */
const MAX_TAGS_PAGE = 1000;

@InputType()
export class RestoreRemoteTagInput {
  @Field({ description: 'Name of the registry' })
  registry!: string;

  @Field()
  repository!: string;

  @Field()
  tag!: string;

  @Field({ description: 'The earlier digest to point the tag at' })
  digest!: string;

  @Field(() => String, {
    nullable: true,
    description:
      "Act with this namespace's credentials (needs EDITOR there); without, the shared ones (cluster admins)",
  })
  namespace?: string | null;
}

function unsupported(what: string, kind: string): RegqlError {
  return new RegqlError('NOT_SUPPORTED', `${what} is not offered by registries of kind ${kind}`);
}

@Resolver(() => Repository)
export class RepositoryResolver {
  @FieldResolver(() => RemoteTagConnection, { complexity: connectionComplexity })
  async tags(
    @Root() repository: Repository,
    @Arg('first', () => Int, { nullable: true }) first: number | null,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Ctx() ctx: Context,
  ): Promise<RemoteTagConnection> {
    const page = await ctx.services.browser.tags(
      forCaller(ctx.identity),
      repository.entry,
      repository.name,
      {
        first: pageSize(first, MAX_TAGS_PAGE),
        after: decodeCursor(after) ?? null,
      },
    );
    const tags = page.items.map((t) => ({
      repository,
      name: t.name,
      knownDigest: t.digest,
      lastModified: t.lastModified ? new Date(t.lastModified) : null,
    }));
    return toUpstreamConnection(tags, page.next, (t) => t.name);
  }

  @FieldResolver(() => RemoteTag, {
    nullable: true,
    description: 'The tag, or null when the registry has no such tag',
  })
  async tag(
    @Root() repository: Repository,
    @Arg('name') name: string,
    @Ctx() ctx: Context,
  ): Promise<RemoteTag | null> {
    assertTag(name);
    const digest = await nullIfNotFound(
      ctx.services.browser.digest(
        forCaller(ctx.identity),
        locatedIn(repository, name, forCaller(ctx.identity)),
      ),
    );
    return digest === null ? null : { repository, name, knownDigest: digest, lastModified: null };
  }

  @FieldResolver(() => [TagHistoryEntry], {
    description: 'Every digest the tag has pointed at, newest first (Quay)',
  })
  async tagHistory(
    @Root() repository: Repository,
    @Arg('tag') tag: string,
    @Ctx() ctx: Context,
  ): Promise<TagHistoryEntry[]> {
    assertTag(tag);
    const { browser, registries } = ctx.services;
    const adapter = browser.adapter(repository.entry);
    if (!registries.supports(repository.entry, 'TAG_HISTORY') || !adapter.tagHistory)
      throw unsupported('Tag history', repository.entry.kind);
    return adapter.tagHistory(
      repository.name,
      tag,
      await browser.credential(forCaller(ctx.identity), repository.entry, repository.name),
    );
  }

  @Mutation(() => RemoteTag, {
    description: 'Points a tag of a remote repository back at an earlier digest (Quay)',
  })
  async restoreRemoteTag(
    @Arg('input') input: RestoreRemoteTagInput,
    @Ctx() ctx: Context,
  ): Promise<RemoteTag> {
    if (input.namespace) requireRole(ctx, input.namespace, 'EDITOR');
    else requireClusterAdmin(ctx);
    assertRepositoryName(input.repository);
    assertTag(input.tag);
    const problem = digestProblem(input.digest);
    if (problem) throw invalidInput(`digest: ${problem}`);
    const { browser, registries } = ctx.services;
    const entry = await registries.get(input.registry);
    if (!entry) throw notFound(`no registry named "${input.registry}"`);
    const adapter = browser.adapter(entry);
    if (!registries.supports(entry, 'RESTORE_TAG') || !adapter.restoreTag)
      throw unsupported('Restoring a tag', entry.kind);
    await adapter.restoreTag(
      input.repository,
      input.tag,
      input.digest,
      await browser.credential(
        input.namespace ? forNamespace(input.namespace) : forCaller(ctx.identity),
        entry,
        input.repository,
      ),
    );
    const repository: Repository = {
      entry,
      registry: entry.name,
      name: input.repository,
      lastModified: null,
    };
    return { repository, name: input.tag, knownDigest: input.digest, lastModified: new Date() };
  }
}
