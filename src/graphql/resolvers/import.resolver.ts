import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import { notImplemented } from '../../domain/errors';
import type { Context } from '../context';
import { requireRole } from '../guards';
import { ImportImageInput } from '../inputs/import-image.input';
import { ImportResult } from '../types/import-result.type';

@Resolver()
export class ImportResolver {
  @Mutation(() => ImportResult, { description: 'Like oc import-image' })
  importImage(@Arg('input') input: ImportImageInput, @Ctx() ctx: Context): ImportResult {
    requireRole(ctx, input.namespace, 'EDITOR');
    throw notImplemented('importImage');
  }
}
