import { Field, ObjectType } from 'type-graphql';
import { DateTime, JSONObject, SafeInt } from '../scalars';

@ObjectType({ description: 'A layer of an image manifest' })
export class Layer {
  @Field()
  digest!: string;

  @Field()
  mediaType!: string;

  @Field(() => SafeInt)
  size!: number;
}

@ObjectType({ description: 'One platform of an image index or manifest list' })
export class PlatformManifest {
  @Field()
  digest!: string;

  @Field()
  mediaType!: string;

  @Field(() => SafeInt)
  size!: number;

  @Field(() => String, { nullable: true })
  os!: string | null;

  @Field(() => String, { nullable: true })
  architecture!: string | null;

  @Field(() => String, { nullable: true })
  variant!: string | null;
}

@ObjectType({ description: 'A security scan of an image, where the registry offers one' })
export class VulnerabilityReport {
  @Field({ description: 'scanned, queued, failed or unsupported' })
  status!: string;
}

@ObjectType({ description: 'An image manifest or index, named by its digest' })
export class Image {
  @Field()
  digest!: string;

  @Field()
  mediaType!: string;

  @Field(() => SafeInt, { description: 'Bytes of the manifest, its config and its layers' })
  size!: number;

  @Field(() => DateTime, { nullable: true })
  created!: Date | null;

  @Field(() => String, { nullable: true })
  os!: string | null;

  @Field(() => String, { nullable: true })
  architecture!: string | null;

  @Field(() => String, { nullable: true })
  variant!: string | null;

  @Field(() => JSONObject)
  labels!: Record<string, string>;

  @Field(() => [Layer])
  layers!: Layer[];

  @Field(() => [PlatformManifest], {
    nullable: true,
    description: 'Set for an index: one entry per platform',
  })
  manifests!: PlatformManifest[] | null;

  @Field(() => VulnerabilityReport, { nullable: true })
  vulnerabilities!: VulnerabilityReport | null;
}
