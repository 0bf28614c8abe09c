export const eventTypes = [
  'IMAGE_PUSHED',
  'IMAGE_IMPORTED',
  'TAG_UPDATED',
  'IMPORT_FAILED',
  'EXTERNAL_PUSH',
  'TAG_DELETED',
  'STREAM_DELETED',
  'MIRROR_PROGRESS',
  'MIRROR_COMPLETED',
  'MIRROR_FAILED',
] as const;
export type EventType = (typeof eventTypes)[number];

export interface RegistryEvent {
  /** Position in the event log: a decimal integer, strictly increasing in commit order. */
  id: string;
  type: EventType;
  occurredAt: string;
  namespace: string | null;
  stream: string | null;
  tag: string | null;
  registry: string | null;
  repository: string | null;
  digest: string | null;
  previousDigest: string | null;
  message: string | null;
}

/** An event before the log has given it its id. */
export type EventDraft = Omit<RegistryEvent, 'id'>;

export interface EventFilter {
  namespace?: string | null;
  stream?: string | null;
  tag?: string | null;
  types?: readonly EventType[] | null;
}

export function matchesFilter(event: RegistryEvent, filter: EventFilter): boolean {
  if (filter.namespace && event.namespace !== filter.namespace) return false;
  if (filter.stream && event.stream !== filter.stream) return false;
  if (filter.tag && event.tag !== filter.tag) return false;
  if (filter.types && filter.types.length > 0 && !filter.types.includes(event.type)) return false;
  return true;
}

/** What an event is about, for ordering deliveries: the image stream, else the repository. */
export function eventSubject(event: EventDraft): string {
  if (event.namespace && event.stream) return `${event.namespace}/${event.stream}`;
  return `${event.registry ?? ''}/${event.repository ?? ''}`;
}
