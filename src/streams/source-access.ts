import { namespaceOf, type PullAccess } from '../auth/pull-access';
import type { TagSource } from '../store/image-stream-records';
import { parseReference } from '../oci/reference';
import { INTEGRATED_KIND } from '../../plugins/integrated';
import type { RegistryCatalog } from '../federation/catalog';

/**
 * What an image-stream tag of one namespace may name: content of another namespace (its stream
 * tags, its stream images, its repositories in the integrated registry) only as the one pull
 * rule allows. Asked when a tag is written; reads of the source ask again through the browser.
 */
export class SourceAccess {
  constructor(
    private readonly pulls: PullAccess,
    private readonly registries: RegistryCatalog,
  ) {}

  /** The namespace whose content `from` names within regql; null for an external image. */
  async sourceNamespace(from: TagSource): Promise<string | null> {
    if (from.kind !== 'DOCKER_IMAGE') return namespaceOf(from.name);
    const ref = parseReference(from.name);
    const registry = await this.registries.forHost(ref.registry);
    return registry.kind === INTEGRATED_KIND ? namespaceOf(ref.repository) : null;
  }

  /** Throws FORBIDDEN when a tag of `namespace` may not name `from`. */
  async require(namespace: string, from: TagSource | null): Promise<void> {
    const source = from && (await this.sourceNamespace(from));
    if (source !== null && source !== namespace) await this.pulls.require(namespace, source);
  }

  async requireAll(namespace: string, sources: (TagSource | null)[]): Promise<void> {
    for (const from of sources) await this.require(namespace, from);
  }
}
