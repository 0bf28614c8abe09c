import {
  Arg,
  Args,
  ArgsType,
  Ctx,
  Field,
  FieldResolver,
  Int,
  Mutation,
  Query,
  Resolver,
  Root,
} from 'type-graphql';
import { RegqlError } from '../../core/errors';
import type { RegistryEntry } from '../../federation/catalog';
import { connectionComplexity, decodeCursor, pageSize, toUpstreamConnection } from '../connection';
import type { Context } from '../context';
import { RegistryCapability } from '../enums';
import { forCaller } from '../../federation/browser';
import { requireBrowse, requireClusterAdmin, requireIdentity } from '../guards';
import { AddRegistryInput } from '../inputs/add-registry.input';
import { RateLimit, Registry, RegistryHealth } from '../types/registry.type';
import { Repository, RepositoryConnection } from '../types/repository.type';
import { assertRepositoryName } from './repository-name';

export const toRegistry = (entry: RegistryEntry): Registry => ({
  ...entry,
  apiUrl: entry.apiUrl ?? null,
  entry,
});

@ArgsType()
class RepositoriesArgs {
  @Field(() => Int, { nullable: true })
  first?: number | null;

  @Field(() => String, { nullable: true })
  after?: string | null;

  @Field(() => String, {
    nullable: true,
    description:
      'Repositories whose name contains this; Docker Hub and Quay list by namespace: "<namespace>/"',
  })
  query?: string | null;
}

/** Browsing is not tied to a namespace: it reads with the shared namespace's credentials. */
@Resolver(() => Registry)
export class RegistryResolver {
  @Query(() => [Registry])
  async registries(@Ctx() ctx: Context): Promise<Registry[]> {
    requireIdentity(ctx);
    return (await ctx.services.registries.list()).map(toRegistry);
  }

  @Query(() => Registry, { nullable: true })
  async registry(@Arg('name') name: string, @Ctx() ctx: Context): Promise<Registry | null> {
    requireIdentity(ctx);
    const entry = await ctx.services.registries.get(name);
    return entry ? toRegistry(entry) : null;
  }

  @Mutation(() => Registry)
  async addRegistry(@Arg('input') input: AddRegistryInput, @Ctx() ctx: Context): Promise<Registry> {
    requireClusterAdmin(ctx);
    const added = await ctx.services.registration.add(input);
    return toRegistry(added);
  }

  @Mutation(() => Boolean)
  async removeRegistry(@Arg('name') name: string, @Ctx() ctx: Context): Promise<boolean> {
    requireClusterAdmin(ctx);
    await ctx.services.registration.remove(name);
    return true;
  }

  @FieldResolver(() => RegistryHealth, {
    description: 'GET /v2/ now: reachable, how fast, which auth',
  })
  async health(@Root() registry: Registry, @Ctx() ctx: Context): Promise<RegistryHealth> {
    const { browser } = ctx.services;
    try {
      return await browser
        .adapter(registry.entry)
        .ping(await browser.registryCredential(registry.entry));
    } catch (err) {
      if (!(err instanceof RegqlError)) throw err;
      return {
        ok: false,
        latencyMs: null,
        authScheme: null,
        message: `${err.code}: ${err.message}`,
      };
    }
  }

  @FieldResolver(() => [RegistryCapability], {
    description:
      'What this registry offers beyond listing and reading images; fields and mutations of the others answer NOT_SUPPORTED or null',
  })
  capabilities(@Root() registry: Registry, @Ctx() ctx: Context): readonly RegistryCapability[] {
    return ctx.services.registries.capabilities(registry.entry);
  }

  @FieldResolver(() => RateLimit, {
    nullable: true,
    description: 'Pull limit as last reported (Docker Hub)',
  })
  rateLimit(@Root() registry: Registry, @Ctx() ctx: Context): RateLimit | null {
    if (!ctx.services.registries.supports(registry.entry, 'RATE_LIMIT')) return null;
    return ctx.services.browser.adapter(registry.entry).rateLimit?.() ?? null;
  }

  @FieldResolver(() => RepositoryConnection, { complexity: connectionComplexity })
  async repositories(
    @Root() registry: Registry,
    @Args() { first, after, query }: RepositoriesArgs,
    @Ctx() ctx: Context,
  ): Promise<RepositoryConnection> {
    const page = await ctx.services.browser.repositories(forCaller(ctx.identity), registry.entry, {
      first: pageSize(first),
      after: decodeCursor(after) ?? null,
      query: query ?? null,
    });
    const items = page.items.map((r) => ({
      entry: registry.entry,
      registry: registry.name,
      name: r.name,
      lastModified: r.lastModified ? new Date(r.lastModified) : null,
    }));
    return toUpstreamConnection(items, page.next, (r) => r.name);
  }

  @FieldResolver(() => Repository, { nullable: true })
  async repository(
    @Root() registry: Registry,
    @Arg('name') name: string,
    @Ctx() ctx: Context,
  ): Promise<Repository> {
    assertRepositoryName(name);
    await requireBrowse(ctx, registry.kind, name);
    return { entry: registry.entry, registry: registry.name, name, lastModified: null };
  }
}
