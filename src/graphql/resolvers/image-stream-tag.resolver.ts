import { Arg, FieldResolver, Int, Resolver } from 'type-graphql';
import { connectionComplexity, pageSize, toConnection } from '../connection';
import { Image } from '../types/image.type';
import { ImageStreamTag } from '../types/image-stream.type';
import { TagEvent, TagEventConnection } from '../types/tag-event.type';

/** Status side of a tag. History is filled by imports (not yet in this version): empty until then. */
@Resolver(() => ImageStreamTag)
export class ImageStreamTagResolver {
  @FieldResolver(() => TagEventConnection, {
    complexity: connectionComplexity,
    description: 'History, newest first',
  })
  items(
    @Arg('first', () => Int, { nullable: true }) first: number | null,
    @Arg('after', () => String, { nullable: true }) _after: string | null,
  ): TagEventConnection {
    pageSize(first);
    return toConnection<TagEvent>([], false, (e) => e.image);
  }

  @FieldResolver(() => Image, { nullable: true })
  image(): Image | null {
    return null;
  }
}
