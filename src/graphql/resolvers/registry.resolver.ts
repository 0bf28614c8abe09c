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
import { invalidInput, notFound, notImplemented } from '../../domain/errors';
import { dnsLabelProblem } from '../../domain/names';
import type { RegistryEntry } from '../../store/registry-catalog';
import { connectionComplexity } from '../connection';
import type { Context } from '../context';
import { RegistryKind } from '../enums';
import { requireClusterAdmin, requireIdentity } from '../guards';
import { AddRegistryInput } from '../inputs/add-registry.input';
import { RateLimit, Registry, RegistryHealth } from '../types/registry.type';
import { Repository, RepositoryConnection } from '../types/repository.type';

const toRegistry = (entry: RegistryEntry): Registry => ({
  ...entry,
  kind: entry.kind as RegistryKind,
});

function checkRegistryUrl(url: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw invalidInput(`url "${url}" is not a URL`);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')
    throw invalidInput('url must be http:// or https://');
  if (parsed.username || parsed.password)
    throw invalidInput('url must not carry credentials: add a credential instead');
  if (parsed.search || parsed.hash) throw invalidInput('url must not have a query or fragment');
}

@ArgsType()
class RepositoriesArgs {
  @Field(() => Int, { nullable: true })
  first?: number | null;

  @Field(() => String, { nullable: true })
  after?: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'Substring the repository name must contain',
  })
  query?: string | null;
}

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
    const problem = dnsLabelProblem(input.name);
    if (problem) throw invalidInput(`name "${input.name}" is not a valid DNS label: it ${problem}`);
    if (input.kind === RegistryKind.INTEGRATED)
      throw invalidInput('there is only one integrated registry');
    checkRegistryUrl(input.url);
    const added = await ctx.services.registries.add({
      name: input.name,
      kind: input.kind,
      url: input.url.replace(/\/+$/, ''),
      insecure: input.insecure,
    });
    if (!added) throw invalidInput(`a registry named "${input.name}" exists already`);
    return toRegistry(added);
  }

  @Mutation(() => Boolean)
  async removeRegistry(@Arg('name') name: string, @Ctx() ctx: Context): Promise<boolean> {
    requireClusterAdmin(ctx);
    if (ctx.services.registries.isConfigured(name)) {
      throw invalidInput(`registry "${name}" comes from the configuration file; remove it there`);
    }
    if (!(await ctx.services.registries.remove(name)))
      throw notFound(`no registry named "${name}"`);
    return true;
  }

  @FieldResolver(() => RegistryHealth)
  health(): RegistryHealth {
    throw notImplemented('Registry.health');
  }

  @FieldResolver(() => RateLimit, { nullable: true })
  rateLimit(): RateLimit | null {
    throw notImplemented('Registry.rateLimit');
  }

  @FieldResolver(() => RepositoryConnection, { complexity: connectionComplexity })
  repositories(@Root() _registry: Registry, @Args() _args: RepositoriesArgs): RepositoryConnection {
    throw notImplemented('Registry.repositories');
  }

  @FieldResolver(() => Repository, { nullable: true })
  repository(@Root() _registry: Registry, @Arg('name') _name: string): Repository | null {
    throw notImplemented('Registry.repository');
  }
}
