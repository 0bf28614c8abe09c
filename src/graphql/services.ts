import type { Identities } from '../auth/identities';
import type { PullAccess } from '../auth/pull-access';
import type { PullGrantStore } from '../store/pull-grant-store';
import type { EgressPolicy } from '../egress/egress-policy';
import type { EventFeed } from '../events/event-feed';
import type { EventLog } from '../events/event-log';
import type { TriggerStore } from '../events/triggers/trigger-store';
import type { ReceiverStore } from '../events/webhooks/receiver-store';
import type { Db } from '../store/database';
import type { ImageStreamStore } from '../store/image-stream-store';
import type { StreamStatusStore } from '../store/stream-status-store';
import type { ImageStreams } from '../streams/image-streams';
import type { Importer } from '../streams/importer';
import type { Tagger } from '../streams/tagger';
import type { Vault } from '../auth/vault';
import type { GcResult } from '../integrated-registry/gc';
import type { RegistryBrowser } from '../federation/browser';
import type { RegistryCatalog } from '../federation/catalog';
import type { RegistryRegistration } from '../federation/registration';
import type { MirrorService } from '../mirror/mirror-service';
import type { MirrorJobStore } from '../store/mirror-job-store';
import type { QueryLimits } from './query-limits';

/** The configured limits the resolvers apply. */
export interface GraphqlLimits extends QueryLimits {
  /** Image-stream tags and history entries one operation may return. */
  maxItems: number;
  /** How old an unreferenced blob must be before garbage collection removes it. */
  gcGraceSeconds: number;
  /** The largest request body, over HTTP and as one WebSocket message. */
  maxBodyBytes: number;
  /** The most tokens one document may have. */
  maxTokens: number;
  /** Whether `__schema` queries are answered. */
  introspection: boolean;
}

/** Long-lived parts the resolvers use, built once by the composition root. */
export interface Services {
  limits: GraphqlLimits;
  identities: Identities;
  /** The one rule for reading images across namespaces. */
  pulls: PullAccess;
  pullGrants: PullGrantStore;
  db: Db;
  imageStreams: ImageStreamStore;
  /** Creating image streams, by their rules. */
  streams: ImageStreams;
  streamStatus: StreamStatusStore;
  importer: Importer;
  tagger: Tagger;
  countImport: (status: string, trigger: 'api' | 'schedule') => void;
  /** Garbage collection of the integrated registry's blobs. */
  collectGarbage: (graceMs: number) => Promise<GcResult>;
  registries: RegistryCatalog;
  /** Adding and removing registries at run time, by their rules. */
  registration: RegistryRegistration;
  vault: Vault;
  browser: RegistryBrowser;
  /** Base URL of this server, as pull specs of the integrated registry name it. */
  publicUrl: string;
  /** host[:port] of publicUrl: the integrated registry's name in pull specs. */
  publicHost: string;
  /** This process's live view of the event log. */
  feed: EventFeed;
  eventLog: EventLog;
  /** Outbound triggers and their delivery log. */
  triggers: TriggerStore;
  /** The egress policy as it applies to trigger URLs. */
  triggerEgress: EgressPolicy;
  webhookReceivers: ReceiverStore;
  /** Mirroring images between registries, as jobs. */
  mirror: MirrorService;
  mirrorJobs: MirrorJobStore;
}
