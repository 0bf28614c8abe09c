import { Field, InputType } from 'type-graphql';

@InputType()
export class MirrorImageInput {
  @Field({
    description:
      'The namespace the job belongs to: its credentials and pull rights read the source and write the destination',
  })
  namespace!: string;

  @Field({ description: 'Pull spec of the image or index to copy, by tag or digest' })
  source!: string;

  @Field({
    description:
      'Pull spec to copy to: a tag, or no reference (the source tag, or its digest when the source names one); in the integrated registry <namespace>/<stream>',
  })
  destination!: string;

  @Field({
    defaultValue: false,
    description: 'Copy an index with every platform; otherwise only the default platform image',
  })
  allPlatforms!: boolean;

  @Field({
    defaultValue: false,
    description: 'Copy the referrers (signatures, SBOMs) of each copied image too',
  })
  includeReferrers!: boolean;
}
