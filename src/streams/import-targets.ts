import { invalidInput } from '../core/errors';
import type { ImportMode, ReferencePolicyType, SpecTag } from '../store/image-stream-records';
import {
  DEFAULT_IMPORT_LIMIT,
  MAX_IMPORT_LIMIT,
  parseTagFilter,
  selectTags,
} from '../domain/tag-selection';
import { formatReference, parseReference } from '../oci/reference';
import { forNamespace, type RegistryBrowser } from '../federation/browser';

export interface ImportRequest {
  namespace: string;
  stream: string;
  from?: string | null;
  tag?: string | null;
  all: boolean;
  limit?: number | null;
  tagFilter?: string | null;
  confirm: boolean;
  scheduled?: boolean | null;
  insecure?: boolean | null;
  importMode?: ImportMode | null;
  referencePolicy?: ReferencePolicyType | null;
  dryRun: boolean;
}

/** One tag to import: where from, and the spec tag it will have. */
export interface ImportTarget {
  tag: string;
  pullSpec: string;
  spec: SpecTag;
}

const MAX_LISTED_TAGS = 100_000;

/**
 * The tags an import touches: one tag of a pull spec, a whole repository (capped and filtered),
 * or, without `from`, the stream's own tags that track external images.
 */
export async function importTargets(
  browser: RegistryBrowser,
  request: ImportRequest,
  existing: SpecTag[],
): Promise<{ targets: ImportTarget[]; additionalTags: string[] }> {
  const specFor = (tag: string, from: string): SpecTag => {
    const current = existing.find((t) => t.name === tag);
    return {
      name: tag,
      from: { kind: 'DOCKER_IMAGE', name: from },
      reference: false,
      scheduled: request.scheduled ?? current?.scheduled ?? false,
      insecure: request.insecure ?? current?.insecure ?? false,
      importMode: request.importMode ?? current?.importMode ?? 'LEGACY',
      referencePolicy: request.referencePolicy ?? current?.referencePolicy ?? 'SOURCE',
      generation: current?.generation ?? 0,
      lastImportedDigest: current?.lastImportedDigest ?? null,
    };
  };
  if (!request.from) {
    if (request.all) throw invalidInput('all: true needs from, the repository to import');
    const candidates = existing.filter(
      (t) =>
        t.from?.kind === 'DOCKER_IMAGE' && !t.reference && (!request.tag || t.name === request.tag),
    );
    if (candidates.length === 0) {
      throw invalidInput(
        request.tag
          ? `tag "${request.tag}" has no external image to import; pass from`
          : 'the stream has no tags with an external image; pass from',
      );
    }
    return {
      targets: candidates.map((t) => ({
        tag: t.name,
        pullSpec: t.from!.name,
        spec: specFor(t.name, t.from!.name),
      })),
      additionalTags: [],
    };
  }
  let ref;
  try {
    ref = parseReference(request.from);
  } catch (err) {
    throw invalidInput(`from: ${(err as Error).message}`);
  }
  if (!request.all) {
    const tag = request.tag ?? ref.tag ?? 'latest';
    const pullSpec = formatReference({
      ...ref,
      ...(ref.digest ? {} : { tag: ref.tag ?? 'latest' }),
    });
    return { targets: [{ tag, pullSpec, spec: specFor(tag, pullSpec) }], additionalTags: [] };
  }
  if (ref.digest) throw invalidInput('all: true imports a repository: from must not name a digest');
  const limit = request.limit ?? DEFAULT_IMPORT_LIMIT;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_IMPORT_LIMIT)
    throw invalidInput(`limit must be between 1 and ${MAX_IMPORT_LIMIT}`);
  const filter = request.tagFilter ? parseTagFilter(request.tagFilter) : null;
  const repository = formatReference({ registry: ref.registry, repository: ref.repository });
  const { selected, additional } = selectTags(
    await listAllTags(browser, request.namespace, repository, request.insecure ?? false),
    limit,
    filter,
  );
  return {
    targets: selected.map((tag) => ({
      tag,
      pullSpec: `${repository}:${tag}`,
      spec: specFor(tag, `${repository}:${tag}`),
    })),
    additionalTags: additional,
  };
}

/** Every tag of a repository, page after page (up to a sanity bound). */
async function listAllTags(
  browser: RegistryBrowser,
  namespace: string,
  repository: string,
  insecure: boolean,
): Promise<string[]> {
  const located = await browser.locate(repository, { insecure });
  const credential = await browser.credential(
    forNamespace(namespace),
    located.registry,
    located.repository,
  );
  const adapter = browser.adapter(located.registry);
  const tags: string[] = [];
  let after: string | null = null;
  do {
    const page: Awaited<ReturnType<typeof adapter.tags>> = await adapter.tags(
      located.repository,
      { first: 1000, after },
      credential,
    );
    tags.push(...page.items.map((t) => t.name));
    after = page.next;
  } while (after && tags.length < MAX_LISTED_TAGS);
  return tags;
}
