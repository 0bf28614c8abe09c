import { createHash } from 'node:crypto';
import { EventEmitter, once } from 'node:events';
import { open, rm, type FileHandle } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import { RegqlError } from '../core/errors';
import type { OpenedBlob } from '../oci/client/registry-client';
import { upstreamError } from '../oci/upstream-error';
import { writeAll } from './append-body';
import { copyThrough, IO_CHUNK } from './send-file';

/** What a fetch writes to and how it ends. */
export interface FetchTarget {
  digest: string;
  size: number;
  /** A fresh file the bytes are written to while they arrive. */
  file: string;
  /** Takes the checked file in (or removes it, when no local copy is kept). */
  keep(file: string): Promise<void>;
}

/** The failure of a fetch whose last reader left: one that joined at that moment may retry. */
const abandoned = () =>
  new RegqlError('UNAVAILABLE', 'every client of the upstream read went away; retry');

/**
 * One upstream read of a blob, written to a file while it is hashed, and served to any number
 * of clients from that file as it grows: each reads at its own pace, and the fetch runs at the
 * upstream's. The last byte is held back until the digest matched, so no client receives a whole
 * blob that is wrong. The fetch goes on while a client still reads; when the last one leaves
 * first, it stops and removes its file.
 */
export class BlobFetch {
  private written = 0;
  private state: 'running' | 'done' | 'failed' = 'running';
  private failure: Error | null = null;
  private readers = 0;
  private file: FileHandle | null = null;
  private upstream: OpenedBlob | null = null;
  private readonly progress = new EventEmitter();
  /** Settles when the fetch has ended, either way. */
  readonly ended: Promise<void>;
  /** Resolves once the upstream answered with the blob; rejects when it did not. */
  readonly opened: Promise<void>;
  private answered!: (failure: Error | null) => void;

  constructor(
    private readonly target: FetchTarget,
    openUpstream: () => Promise<OpenedBlob>,
  ) {
    this.progress.setMaxListeners(0);
    this.opened = new Promise((resolve, reject) => {
      this.answered = (failure) => (failure ? reject(failure) : resolve());
    });
    this.opened.catch(() => undefined);
    this.ended = this.run(openUpstream);
  }

  get running(): boolean {
    return this.state === 'running';
  }

  /**
   * Sends the whole blob to `out` as it arrives, calling `start` once the upstream answered (so
   * that a refusal can still be answered instead); throws when the fetch fails. Only while the
   * fetch runs.
   */
  async sendTo(out: Writable, start: () => void): Promise<void> {
    if (this.state !== 'running') throw new Error('the fetch has ended');
    this.readers++;
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      out.off('close', release);
      this.readers--;
      if (this.readers === 0 && this.state === 'running') this.abandon();
      void this.closeWhenIdle();
    };
    out.once('close', release);
    try {
      await this.opened;
      start();
      await copyThrough(out, (buffer, position) => this.readAt(buffer, position));
    } finally {
      release();
    }
  }

  /** The bytes at `position` once written (the last one once checked); 0 at the end. */
  private async readAt(buffer: Buffer, position: number): Promise<number> {
    for (;;) {
      if (this.state === 'failed') throw this.failure;
      const available =
        this.state === 'done' ? this.written : Math.min(this.written, this.target.size - 1);
      if (position < available) {
        const length = Math.min(buffer.length, available - position);
        return (await this.file!.read(buffer, 0, length, position)).bytesRead;
      }
      if (this.state === 'done') return 0;
      await once(this.progress, 'progress');
    }
  }

  private async run(openUpstream: () => Promise<OpenedBlob>): Promise<void> {
    const { digest, size } = this.target;
    try {
      this.file = await open(this.target.file, 'w+');
      this.upstream = await openUpstream();
      if (this.upstream.size !== null && this.upstream.size !== size)
        throw upstreamError(
          'UPSTREAM_INVALID',
          `the registry offers ${this.upstream.size} bytes, the manifest says ${size}`,
        );
      this.answered(null);
      const hash = createHash('sha256');
      let received = 0;
      let batch: Buffer[] = [];
      const flush = async () => {
        const bytes = batch.reduce((n, b) => n + b.length, 0);
        await writeAll(this.file!, batch);
        batch = [];
        this.written += bytes;
        this.progress.emit('progress');
      };
      for await (const chunk of this.upstream.body as AsyncIterable<Buffer>) {
        if (this.state !== 'running') break;
        received += chunk.length;
        if (received > size)
          throw upstreamError(
            'UPSTREAM_INVALID',
            `the registry sent more than the ${size} bytes the manifest names`,
          );
        hash.update(chunk);
        batch.push(chunk);
        // Each write is a trip to the thread pool: a few large ones, not one per network chunk.
        if (received - this.written >= IO_CHUNK) await flush();
      }
      if (batch.length > 0 && this.state === 'running') await flush();
      if (this.state !== 'running') throw this.failure;
      if (this.written !== size)
        throw upstreamError(
          'UPSTREAM_INVALID',
          `the registry sent ${this.written} of the ${size} bytes the manifest names`,
        );
      const actual = `sha256:${hash.digest('hex')}`;
      if (actual !== digest)
        throw upstreamError('UPSTREAM_INVALID', `the registry's bytes hash to ${actual}`);
      await this.target.keep(this.target.file);
      // Kept whole even if every reader left meanwhile; they saw the failure of that instead.
      if (this.state === 'running') this.state = 'done';
    } catch (err) {
      this.fail(this.failure ?? (err as Error));
      this.upstream?.body.destroy();
      await rm(this.target.file, { force: true });
    } finally {
      this.progress.emit('progress');
      await this.closeWhenIdle();
    }
  }

  private abandon(): void {
    this.fail(abandoned());
    this.upstream?.body.destroy();
  }

  private fail(err: Error): void {
    if (this.state !== 'running') return;
    this.state = 'failed';
    this.failure = err;
    this.answered(err);
  }

  private async closeWhenIdle(): Promise<void> {
    if (this.readers > 0 || this.state === 'running' || !this.file) return;
    const file = this.file;
    this.file = null;
    await file.close();
  }
}
