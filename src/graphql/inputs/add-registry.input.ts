import { Field, InputType } from 'type-graphql';
import { RegistryKind } from '../enums';

@InputType()
export class AddRegistryInput {
  @Field({ description: 'A DNS label, unique among registries' })
  name!: string;

  @Field(() => RegistryKind)
  kind!: RegistryKind;

  @Field({ description: 'Base URL, e.g. https://ghcr.io' })
  url!: string;

  @Field({ defaultValue: false, description: 'Accept plain HTTP and unverified TLS' })
  insecure!: boolean;

  @Field(() => String, {
    nullable: true,
    description: 'The REST API, for Docker Hub (hub.docker.com) or a Quay behind another host',
  })
  apiUrl?: string | null;
}
