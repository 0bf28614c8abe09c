import { INTEGRATED_KIND } from '../../plugins/integrated';
import type { RegistryPush } from '../../plugins/plugin';
import { namespaceOf } from '../auth/pull-access';
import { hasRole, type Identity } from '../auth/roles';
import { invalidInput, RegqlError } from '../core/errors';
import { assertDnsLabel } from '../domain/names';
import { forNamespace, type Located, type RegistryBrowser } from '../federation/browser';
import { parseReference } from '../oci/reference';
import type { MirrorTarget } from './copy-image';

export interface MirrorInput {
  namespace: string;
  source: string;
  destination: string;
  allPlatforms: boolean;
  includeReferrers: boolean;
}

/** Where a mirror reads and writes, decided (and authorized) when it is asked for. */
export interface MirrorRoute {
  source: Located;
  target: MirrorTarget;
  /** The destination registry's name, for events. */
  destinationRegistry: string;
  /** The tag to push under; null: the source's digest. */
  destinationTag: string | null;
}

/**
 * Resolves and authorizes a mirror for `identity`: the source is read with the namespace's
 * credentials and pull rights (the integrated registry's pull rule applies), the destination
 * written with the namespace's credential for its host; in the integrated registry only into the
 * namespace itself or one where the caller is EDITOR. A short request to each side up front
 * reports an unreadable source or an unreachable destination (the egress policy) at once.
 */
export async function routeMirror(
  browser: RegistryBrowser,
  integrated: RegistryPush,
  identity: Identity,
  input: MirrorInput,
): Promise<MirrorRoute> {
  const reader = forNamespace(input.namespace);
  const source = await browser.locate(input.source);
  const destination = await browser.locate(input.destination);
  const named = parseReference(input.destination);
  if (named.digest)
    throw invalidInput('destination names a tag or no reference at all, never a digest');
  await browser.digest(reader, source);
  const sameRegistry = source.registry.name === destination.registry.name;
  let target: MirrorTarget;
  if (destination.registry.kind === INTEGRATED_KIND) {
    const [namespace, stream, ...rest] = destination.repository.split('/');
    if (rest.length > 0 || !stream)
      throw invalidInput('a repository of the integrated registry is <namespace>/<stream>');
    assertDnsLabel('namespace', namespace);
    assertDnsLabel('stream', stream);
    if (namespace !== input.namespace && !hasRole(identity, namespace, 'EDITOR'))
      throw new RegqlError(
        'FORBIDDEN',
        `mirroring into ${destination.repository} needs role EDITOR in namespace "${namespaceOf(destination.repository)}"`,
      );
    target = {
      push: integrated,
      repository: destination.repository,
      credential: null,
      sameRegistry,
    };
  } else {
    const adapter = browser.adapter(destination.registry);
    if (!adapter.push)
      throw new RegqlError(
        'NOT_SUPPORTED',
        `regql does not push to registries of kind ${destination.registry.kind}`,
      );
    const credential = await browser.credential(
      reader,
      destination.registry,
      destination.repository,
    );
    await adapter.ping(credential);
    target = { push: adapter.push, repository: destination.repository, credential, sameRegistry };
  }
  return {
    source,
    target,
    destinationRegistry: destination.registry.name,
    destinationTag: named.tag ?? (source.reference.includes(':') ? null : source.reference),
  };
}
