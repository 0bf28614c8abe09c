import { invalidInput } from '../core/errors';
import type {
  ImportMode,
  ReferencePolicyType,
  SpecTag,
  TagSourceKind,
} from '../store/image-stream-records';
import { assertTag } from './names';
import { parseTagSource } from './tag-source';

export interface SpecTagRequest {
  name: string;
  from?: string | null;
  fromKind?: TagSourceKind | null;
  reference: boolean;
  importPolicy?: { scheduled: boolean; insecure: boolean; importMode: ImportMode } | null;
  referencePolicy: ReferencePolicyType;
}

export function buildSpecTag(request: SpecTagRequest, namespace: string): SpecTag {
  assertTag(request.name);
  const from = request.from
    ? parseTagSource(request.from, namespace, request.fromKind ?? undefined)
    : null;
  if (!from && (request.reference || request.importPolicy?.scheduled)) {
    throw invalidInput(`tag "${request.name}": reference and scheduled import need a from`);
  }
  if (request.reference && request.importPolicy?.scheduled) {
    throw invalidInput(
      `tag "${request.name}": a reference tag is never imported, so it cannot be scheduled`,
    );
  }
  return {
    name: request.name,
    from,
    reference: request.reference,
    scheduled: request.importPolicy?.scheduled ?? false,
    insecure: request.importPolicy?.insecure ?? false,
    importMode: request.importPolicy?.importMode ?? 'LEGACY',
    referencePolicy: request.referencePolicy,
    generation: 1,
    lastImportedDigest: null,
  };
}

/**
 * A tag that is neither a reference nor scheduled, as `oc tag` and a push write it; a tag it
 * replaces keeps its insecure flag, import mode and reference policy.
 */
export const plainSpecTag = (name: string, from: SpecTag['from'], previous?: SpecTag): SpecTag => ({
  name,
  from,
  reference: false,
  scheduled: false,
  insecure: previous?.insecure ?? false,
  importMode: previous?.importMode ?? 'LEGACY',
  referencePolicy: previous?.referencePolicy ?? 'SOURCE',
  generation: 0,
  lastImportedDigest: null,
});

export function buildSpecTags(requests: SpecTagRequest[], namespace: string): SpecTag[] {
  const seen = new Set<string>();
  return requests.map((request) => {
    if (seen.has(request.name)) throw invalidInput(`tag "${request.name}" is given twice`);
    seen.add(request.name);
    return buildSpecTag(request, namespace);
  });
}
