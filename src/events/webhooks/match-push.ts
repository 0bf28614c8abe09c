import {
  canonicalRegistry,
  parseReference,
  ReferenceError,
  type ImageReference,
} from '../../oci/reference';
import type { ExternalPush } from '../../../plugins/webhook-parsing/external-push';

const sameHost = (a: string, b: string): boolean =>
  canonicalRegistry(a).toLowerCase() === canonicalRegistry(b).toLowerCase();

/**
 * True when an image-stream tag importing from `pullSpec` (e.g. 'quay.io/ns/repo:latest',
 * 'nginx:1.27', '127.0.0.1:5000/team/app:v1') is the pushed repository and tag. A pull spec
 * without a tag means latest; one with a digest matches only that digest.
 */
export function pushMatchesPullSpec(push: ExternalPush, pullSpec: string): boolean {
  let ref: ImageReference;
  try {
    ref = parseReference(pullSpec);
  } catch (err) {
    if (err instanceof ReferenceError) return false;
    throw err;
  }
  if (push.registryHost !== null && !sameHost(push.registryHost, ref.registry)) return false;
  if (ref.repository !== push.repository) return false;
  if (ref.digest !== undefined) return ref.digest === push.digest;
  return (ref.tag ?? 'latest') === push.tag;
}
