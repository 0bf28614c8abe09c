import { Arg, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import { hasRole, isClusterAdmin, type Identity } from '../../auth/roles';
import type { CredentialView } from '../../auth/vault';
import { notFound, RegqlError } from '../../core/errors';
import type { Context } from '../context';
import { requireClusterAdmin, requireIdentity, requireRole } from '../guards';
import { AddCredentialInput } from '../inputs/add-credential.input';
import { Credential, CredentialVerification } from '../types/credential.type';

const toCredential = (view: CredentialView): Credential => ({
  ...view,
  createdAt: new Date(view.createdAt),
});

/** Namespace admins manage their namespace's credentials; the shared namespace's are the cluster admins'. */
function requireCredentialAdmin(ctx: Context, namespace: string): Identity {
  const identity = requireRole(ctx, namespace, 'ADMIN');
  if (namespace === ctx.services.vault.sharedNamespace) requireClusterAdmin(ctx);
  return identity;
}

function mayManage(identity: Identity, namespace: string, shared: string): boolean {
  return (
    isClusterAdmin(identity) || (namespace !== shared && hasRole(identity, namespace, 'ADMIN'))
  );
}

@Resolver(() => Credential)
export class CredentialResolver {
  @Query(() => [Credential], { description: 'Stored credentials, never their secrets' })
  async credentials(
    @Arg('namespace') namespace: string,
    @Ctx() ctx: Context,
  ): Promise<Credential[]> {
    requireCredentialAdmin(ctx, namespace);
    return (await ctx.services.vault.list(namespace)).map(toCredential);
  }

  @Mutation(() => Credential, {
    description: 'Stores a credential encrypted; the password is never shown again',
  })
  async addCredential(
    @Arg('input') input: AddCredentialInput,
    @Ctx() ctx: Context,
  ): Promise<Credential> {
    requireCredentialAdmin(ctx, input.namespace);
    const view = await ctx.services.vault.add(input.namespace, {
      registryHost: input.registryHost,
      username: input.username ?? null,
      password: input.password,
      kind: input.kind,
    });
    return toCredential(view);
  }

  @Mutation(() => [Credential], {
    description: 'Every entry of a docker config.json, auth.json or .dockercfg',
  })
  async importDockerConfig(
    @Arg('namespace') namespace: string,
    @Arg('config') config: string,
    @Ctx() ctx: Context,
  ): Promise<Credential[]> {
    requireCredentialAdmin(ctx, namespace);
    return (await ctx.services.vault.importDockerConfig(namespace, config)).map(toCredential);
  }

  @Mutation(() => CredentialVerification, {
    description: 'Logs in to the registry with the credential, as docker login does',
  })
  async verifyCredential(
    @Arg('id', () => ID) id: string,
    @Ctx() ctx: Context,
  ): Promise<CredentialVerification> {
    const { vault, registries, browser } = ctx.services;
    const view = await this.visible(ctx, id);
    const credential = await vault.open(view.id);
    if (!credential) throw notFound(`no credential ${id} that you may use`);
    const registry = await registries.forHost(view.registryHost.split('/')[0]);
    try {
      await browser.adapter(registry).verify(credential);
      return { ok: true, message: `${registry.name} accepted the credential` };
    } catch (err) {
      if (!(err instanceof RegqlError)) throw err;
      return { ok: false, message: `${err.code}: ${err.message}` };
    }
  }

  @Mutation(() => Boolean)
  async deleteCredential(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<boolean> {
    const view = await this.visible(ctx, id);
    return ctx.services.vault.delete(view.id);
  }

  /** A credential the caller may manage; any other is reported exactly like a missing one. */
  private async visible(ctx: Context, id: string): Promise<CredentialView> {
    const identity = requireIdentity(ctx);
    const view = await ctx.services.vault.get(id);
    if (!view || !mayManage(identity, view.namespace, ctx.services.vault.sharedNamespace)) {
      throw notFound(`no credential ${id} that you may use`);
    }
    return view;
  }
}
