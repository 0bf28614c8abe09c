import {
  canonicalRegistry,
  parseReference,
  ReferenceError,
  type ImageReference,
} from '../../src/oci/reference';
import { WebhookPayloadError, type ExternalPush } from './external-push';

export type PushedImage = Pick<ExternalPush, 'registryHost' | 'repository' | 'tag' | 'digest'>;

const standInHost = 'localhost';

/** `path` is `repository[:tag][@digest]` on `host`; with no host the repository stays as sent. */
export function imageAt(where: string, host: string | null, path: string): PushedImage {
  const registry = host === null ? standInHost : host.toLowerCase();
  let ref: ImageReference;
  try {
    ref = parseReference(`${registry}/${path}`);
  } catch (err) {
    if (!(err instanceof ReferenceError)) throw err;
    const input = host === null ? path : `${registry}/${path}`;
    throw new WebhookPayloadError(`${where}: invalid image reference "${input}": ${err.rule}`);
  }
  if (ref.registry !== canonicalRegistry(registry)) {
    throw new WebhookPayloadError(
      `${where}: registry host "${registry}" is not a host[:port] that a pull spec can name`,
    );
  }
  return {
    registryHost: host === null ? null : ref.registry,
    repository: ref.repository,
    tag: ref.tag ?? null,
    digest: ref.digest ?? null,
  };
}

export function imageOf(
  where: string,
  host: string | null,
  parts: Omit<PushedImage, 'registryHost'>,
): PushedImage {
  const path = `${parts.repository}${parts.tag === null ? '' : `:${parts.tag}`}${
    parts.digest === null ? '' : `@${parts.digest}`
  }`;
  const image = imageAt(where, host, path);
  if (image.tag !== parts.tag || image.digest !== parts.digest) {
    throw new WebhookPayloadError(
      `${where}: "${path}" is not a repository name, a tag and a digest each in their own field`,
    );
  }
  return image;
}
