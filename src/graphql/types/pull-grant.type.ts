import { Field, ObjectType } from 'type-graphql';
import { DateTime } from '../scalars';

@ObjectType({
  description:
    "Namespace `namespace` may pull `from`'s images: its image streams may name them, and its tokens pull them (OpenShift's image-puller role binding)",
  simpleResolvers: true,
})
export class PullGrant {
  @Field({ description: 'The namespace that may pull' })
  namespace!: string;

  @Field({ description: 'The namespace whose images it may pull' })
  from!: string;

  @Field({ description: 'Id of the token that made the grant' })
  grantedBy!: string;

  @Field(() => DateTime)
  createdAt!: Date;
}
