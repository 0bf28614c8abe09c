import { Arg, Ctx, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import { forCaller, forNamespace } from '../../federation/browser';
import type { Context } from '../context';
import { requireIdentity } from '../guards';
import { nullIfNotFound, toImage } from '../to-image';
import { Image, VulnerabilityReport } from '../types/image.type';

@Resolver(() => Image)
export class ImageResolver {
  @Query(() => Image, {
    nullable: true,
    description:
      'Any pull spec, resolved through its registry with the shared credentials; null if it does not exist',
  })
  async image(@Arg('pullSpec') pullSpec: string, @Ctx() ctx: Context): Promise<Image | null> {
    requireIdentity(ctx);
    const located = await ctx.services.browser.locate(pullSpec);
    const summary = await nullIfNotFound(
      ctx.loaders.images.load({ ...located, reader: forCaller(ctx.identity) }),
    );
    return (
      summary &&
      toImage(summary, {
        registry: located.registry.name,
        repository: located.repository,
        namespace: null,
      })
    );
  }

  @FieldResolver(() => VulnerabilityReport, {
    nullable: true,
    description: "The registry's security scan, where it has one (Quay)",
  })
  async vulnerabilities(
    @Root() image: Image,
    @Ctx() ctx: Context,
  ): Promise<VulnerabilityReport | null> {
    const { registries, browser } = ctx.services;
    const entry =
      (await registries.get(image.source.registry)) ??
      (await registries.forHost(image.source.registry.replace(/^host:/, '')));
    const adapter = browser.adapter(entry);
    if (!registries.supports(entry, 'VULNERABILITY_SCAN') || !adapter.vulnerabilities) return null;
    return adapter.vulnerabilities(
      image.source.repository,
      image.digest,
      await browser.credential(
        image.source.namespace ? forNamespace(image.source.namespace) : forCaller(ctx.identity),
        entry,
        image.source.repository,
      ),
    );
  }
}
