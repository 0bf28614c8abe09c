import { Field, ObjectType } from 'type-graphql';
import { DateTime, JSONObject, SafeInt } from '../scalars';

@ObjectType({ description: 'A layer of an image manifest', simpleResolvers: true })
export class Layer {
  @Field()
  digest!: string;

  @Field()
  mediaType!: string;

  @Field(() => SafeInt)
  size!: number;
}

@ObjectType({
  description: 'One platform of an image index or manifest list',
  simpleResolvers: true,
})
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

@ObjectType({ simpleResolvers: true })
export class Vulnerability {
  @Field()
  name!: string;

  @Field({ description: 'Unknown, Negligible, Low, Medium, High or Critical' })
  severity!: string;

  @Field(() => String, { nullable: true, description: 'The version that fixes it' })
  fixedBy!: string | null;

  @Field(() => String, { nullable: true })
  link!: string | null;

  @Field(() => String, { nullable: true })
  description!: string | null;
}

@ObjectType({ simpleResolvers: true, description: 'A package found in the image' })
export class VulnerableFeature {
  @Field()
  name!: string;

  @Field()
  version!: string;

  @Field(() => [Vulnerability])
  vulnerabilities!: Vulnerability[];
}

@ObjectType({ description: 'A security scan of an image, where the registry offers one' })
export class VulnerabilityReport {
  @Field({ description: 'scanned, queued, failed or unsupported' })
  status!: string;

  @Field(() => [VulnerableFeature], { description: 'Empty unless scanned' })
  features!: VulnerableFeature[];
}

/** Where an image was read from, for field resolvers that go back to its registry. */
export interface ImageSource {
  registry: string;
  repository: string;
  namespace: string | null;
}

@ObjectType({
  description: 'An image manifest or index, named by its digest',
  simpleResolvers: true,
})
export class Image {
  source!: ImageSource;

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
}
