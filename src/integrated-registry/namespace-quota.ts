import { namespaceOf } from '../auth/pull-access';
import type { RegistryUploadStore } from '../store/registry-upload-store';
import { OciError } from './errors';

/** The bytes one request is writing into an upload of a namespace. */
export interface Meter {
  /** Throws DENIED unless `bytes` more would fit, without counting them. */
  fits(bytes: number): void;
  /** Counts `bytes` that arrived; throws DENIED (counting nothing) when they would not fit. */
  admit(bytes: number): void;
  /** Ends the request: `kept` says whether its bytes stay (the store now counts them) or were cut off. */
  done(kept: boolean): void;
}

interface Writer {
  received: number;
  /** Bytes that writers of the namespace kept after this one read the store. */
  missed: number;
}

const unmetered: Meter = { fits: () => undefined, admit: () => undefined, done: () => undefined };

/**
 * The stored-bytes quota of each namespace (0: none). A request reads the namespace's usage from
 * the store once, when it starts; the bytes this process's requests are writing meanwhile are
 * counted in memory, so each piece of a body is checked without a query, and concurrent chunks
 * cannot pass the quota together.
 */
export class NamespaceQuota {
  private readonly writing = new Map<string, Set<Writer>>();

  constructor(
    private readonly store: RegistryUploadStore,
    private readonly quotaBytes: number,
  ) {}

  /** Refuses with 403 DENIED unless the namespace of `repository` has room for `adding` bytes. */
  async check(repository: string, adding: number): Promise<void> {
    if (!this.quotaBytes) return;
    const namespace = namespaceOf(repository);
    const used = (await this.store.namespaceBytes(namespace)) + this.inFlight(namespace);
    if (used + adding > this.quotaBytes) throw this.denied(namespace, used, adding);
  }

  async meter(repository: string): Promise<Meter> {
    if (!this.quotaBytes) return unmetered;
    const namespace = namespaceOf(repository);
    const writers = this.writing.get(namespace) ?? new Set<Writer>();
    this.writing.set(namespace, writers);
    // Registered before the read, so that a writer keeping its bytes meanwhile is not missed.
    const self: Writer = { received: 0, missed: 0 };
    writers.add(self);
    let stored: number;
    try {
      stored = await this.store.namespaceBytes(namespace);
    } catch (err) {
      this.leave(namespace, writers, self, false);
      throw err;
    }
    const fits = (bytes: number) => {
      const used = stored + self.missed + this.inFlight(namespace);
      if (used + bytes > this.quotaBytes) throw this.denied(namespace, used, bytes);
    };
    return {
      fits,
      admit: (bytes) => {
        try {
          fits(bytes);
        } catch (err) {
          // The chunk is being cut off: its bytes must not crowd out concurrent writers meanwhile.
          self.received = 0;
          throw err;
        }
        self.received += bytes;
      },
      done: (kept) => this.leave(namespace, writers, self, kept),
    };
  }

  private leave(namespace: string, writers: Set<Writer>, self: Writer, kept: boolean): void {
    writers.delete(self);
    if (kept) for (const other of writers) other.missed += self.received;
    if (writers.size === 0) this.writing.delete(namespace);
  }

  private inFlight(namespace: string): number {
    let bytes = 0;
    for (const writer of this.writing.get(namespace) ?? []) bytes += writer.received;
    return bytes;
  }

  private denied(namespace: string, used: number, adding: number): OciError {
    return new OciError(
      403,
      'DENIED',
      `namespace ${namespace} holds ${used} of its ${this.quotaBytes} bytes ` +
        `(registry.namespaceQuotaBytes), too few for ${adding} more: delete images or uploads ` +
        'it no longer needs and collect garbage, or ask an administrator for a larger quota',
    );
  }
}
