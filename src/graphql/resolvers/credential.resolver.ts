import { Arg, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import { notImplemented } from '../../domain/errors';
import type { Context } from '../context';
import { requireIdentity, requireRole } from '../guards';
import { AddCredentialInput } from '../inputs/add-credential.input';
import { Credential, CredentialVerification } from '../types/credential.type';

@Resolver(() => Credential)
export class CredentialResolver {
  @Query(() => [Credential])
  credentials(@Arg('namespace') namespace: string, @Ctx() ctx: Context): Credential[] {
    requireRole(ctx, namespace, 'ADMIN');
    throw notImplemented('credentials');
  }

  @Mutation(() => Credential)
  addCredential(@Arg('input') input: AddCredentialInput, @Ctx() ctx: Context): Credential {
    requireRole(ctx, input.namespace, 'ADMIN');
    throw notImplemented('addCredential');
  }

  @Mutation(() => [Credential])
  importDockerConfig(
    @Arg('namespace') namespace: string,
    @Arg('config') _config: string,
    @Ctx() ctx: Context,
  ): Credential[] {
    requireRole(ctx, namespace, 'ADMIN');
    throw notImplemented('importDockerConfig');
  }

  @Mutation(() => CredentialVerification)
  verifyCredential(@Arg('id', () => ID) _id: string, @Ctx() ctx: Context): CredentialVerification {
    requireIdentity(ctx);
    throw notImplemented('verifyCredential');
  }

  @Mutation(() => Boolean)
  deleteCredential(@Arg('id', () => ID) _id: string, @Ctx() ctx: Context): boolean {
    requireIdentity(ctx);
    throw notImplemented('deleteCredential');
  }
}
