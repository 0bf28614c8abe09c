import { basicAuth } from './basic-auth';
import type { DockerRegistry } from './docker-registry';
import { buildIndex, skopeoCopy, type Credentials } from './images';
import { pushSyntheticImage, type SyntheticImage } from './synthetic-images';

export const TAGS = ['v1', 'v2', 'v3', 'v4', 'v5'];

/** Pushes the common content: team/app:v1..v5, team/private:v1, team/multi:multi (an index). */
export async function seed(registry: DockerRegistry, creds?: Credentials) {
  const authorization = creds ? basicAuth(creds.username, creds.password) : undefined;
  const images: Record<string, SyntheticImage> = {};
  for (const tag of TAGS) {
    images[tag] = await pushSyntheticImage(registry.url, 'team/app', tag, {
      authorization,
      labels: { tag, app: 'demo' },
    });
  }
  await pushSyntheticImage(registry.url, 'team/private', 'v1', { authorization });
  const built = await buildIndex(['amd64', 'arm64']);
  await skopeoCopy(
    `oci:${built.layout}:${built.tag}`,
    `docker://${registry.host}/team/multi:multi`,
    {
      all: true,
      ...(creds && { destCreds: creds }),
    },
  );
  return { images, index: { digest: built.descriptor.digest, platforms: ['amd64', 'arm64'] } };
}

export type Seeded = Awaited<ReturnType<typeof seed>>;
