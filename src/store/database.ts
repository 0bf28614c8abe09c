import type { Generated, Kysely } from 'kysely';

export interface TokenTable {
  id: string;
  hash: string;
  namespace: string;
  role: string;
  description: string;
  created_at: string;
}

export interface RegistryTable {
  name: string;
  kind: string;
  url: string;
  insecure: number;
  created_at: string;
  api_url: string | null;
}

export interface CredentialTable {
  id: string;
  namespace: string;
  registry_host: string;
  username: string | null;
  kind: string;
  /** AES-256-GCM, see auth/secret-box.ts; never the plain secret. */
  sealed_secret: string;
  created_at: string;
}

export interface ImageStreamTable {
  id: string;
  namespace: string;
  name: string;
  generation: number;
  created_at: string;
  /** `os/architecture[/variant]` imported from manifest lists in LEGACY mode; null: linux/amd64. */
  platform: string | null;
}

export interface SpecTagTable {
  stream_id: string;
  name: string;
  from_kind: string | null;
  from_name: string | null;
  reference: number;
  scheduled: number;
  insecure: number;
  import_mode: string;
  reference_policy: string;
  generation: number;
  next_import_at: string | null;
  import_failures: number;
  /** What the last import found upstream: a rollback holds until upstream really changes. */
  last_imported_digest: string | null;
}

export interface TagEventTable {
  stream_id: string;
  tag: string;
  /** Increases per tag; the highest is the current image. */
  seq: number;
  created: string;
  docker_image_reference: string;
  image: string;
  generation: number;
}

export interface TagConditionTable {
  stream_id: string;
  tag: string;
  status: string;
  reason: string | null;
  message: string | null;
  last_transition_time: string;
  generation: number;
}

export interface RegistryBlobTable {
  repository: string;
  digest: string;
  size: number;
  created_at: string;
}

export interface RegistryManifestTable {
  repository: string;
  digest: string;
  media_type: string;
  size: number;
  artifact_type: string | null;
  subject: string | null;
  /** JSON of the manifest's annotations, for the referrers API. */
  annotations: string | null;
  created_at: string;
}

/** What a stored manifest references (blobs and child manifests): kept for GC and deletes. */
export interface RegistryManifestRefTable {
  repository: string;
  manifest: string;
  digest: string;
}

/** An open upload session of the integrated registry; `size` as of its last completed chunk. */
export interface RegistryUploadTable {
  id: string;
  namespace: string;
  repository: string;
  size: number;
  updated_at: string;
}

export interface RegistryTagTable {
  repository: string;
  tag: string;
  digest: string;
  updated_at: string;
}

export interface EventTable {
  id: Generated<number>;
  type: string;
  occurred_at: string;
  namespace: string | null;
  stream: string | null;
  tag: string | null;
  registry: string | null;
  repository: string | null;
  digest: string | null;
  previous_digest: string | null;
  message: string | null;
}

export interface EventLogStateTable {
  name: string;
  value: number;
}

export interface WebhookReceiverTable {
  id: string;
  kind: string;
  namespace: string;
  secret_hash: string;
  created_at: string;
}

/** Deliveries a receiver has taken, so that a redelivery is recognized until it expires. */
export interface WebhookSeenTable {
  receiver_id: string;
  dedupe_key: string;
  expires_at: string;
}

export interface TriggerTable {
  id: string;
  namespace: string;
  url: string;
  stream: string | null;
  tag: string | null;
  types: string | null;
  /** The HMAC key, sealed like credentials: it must be read back to sign. */
  sealed_secret: string;
  created_at: string;
}

export interface TriggerDeliveryTable {
  id: Generated<number>;
  trigger_id: string;
  event_id: number;
  subject: string;
  /** The event as sent: JSON of a RegistryEvent. */
  payload: string;
  status: string;
  attempts: number;
  last_error: string | null;
  last_status_code: number | null;
  next_attempt_at: string;
  /** When the first attempt was made: retries stop a bounded time after it. */
  first_attempt_at: string | null;
  lease_until: string | null;
  created_at: string;
  updated_at: string;
}

export interface StoreSettingTable {
  name: string;
  value: string;
}

export interface PullGrantTable {
  namespace: string;
  from_namespace: string;
  granted_by: string;
  created_at: string;
}

export interface Database {
  tokens: TokenTable;
  registries: RegistryTable;
  image_streams: ImageStreamTable;
  spec_tags: SpecTagTable;
  credentials: CredentialTable;
  tag_events: TagEventTable;
  tag_conditions: TagConditionTable;
  registry_blobs: RegistryBlobTable;
  registry_manifests: RegistryManifestTable;
  registry_manifest_refs: RegistryManifestRefTable;
  registry_tags: RegistryTagTable;
  registry_uploads: RegistryUploadTable;
  events: EventTable;
  event_log_state: EventLogStateTable;
  webhook_receivers: WebhookReceiverTable;
  webhook_seen: WebhookSeenTable;
  triggers: TriggerTable;
  trigger_deliveries: TriggerDeliveryTable;
  store_settings: StoreSettingTable;
  pull_grants: PullGrantTable;
}

export type Db = Kysely<Database>;
