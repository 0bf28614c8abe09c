import { Arg, FieldResolver, Int, Resolver, Root } from 'type-graphql';
import { connectionComplexity, pageSize, toConnection } from '../connection';
import { TagSourceKind } from '../enums';
import { Image } from '../types/image.type';
import { ImageStreamTag } from '../types/image-stream.type';
import { TagCondition, TagEvent, TagEventConnection } from '../types/tag-event.type';

/** Status side of a tag. History is filled by imports (not yet in this version): empty until then. */
@Resolver(() => ImageStreamTag)
export class ImageStreamTagResolver {
  @FieldResolver(() => TagEvent, { nullable: true, description: 'The newest history entry' })
  current(): TagEvent | null {
    return null;
  }

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

  @FieldResolver(() => [TagCondition])
  conditions(): TagCondition[] {
    return [];
  }

  @FieldResolver(() => Image, { nullable: true })
  image(): Image | null {
    return null;
  }

  @FieldResolver(() => String, {
    nullable: true,
    description: 'Where clients pull the current image from',
  })
  pullSpec(@Root() tag: ImageStreamTag): string | null {
    return tag.reference && tag.from?.kind === TagSourceKind.DOCKER_IMAGE ? tag.from.name : null;
  }
}
