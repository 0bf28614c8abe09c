import { createHash } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { open, rm, type FileHandle } from 'node:fs/promises';
import { Readable } from 'node:stream';
import type { OpenedBlob } from '../oci/client/registry-client';
import { upstreamError } from '../oci/upstream-error';
import { IO_CHUNK } from './send-file';

/** What a fetch writes to and how it ends. */
export interface FetchTarget {
  digest: string;
  size: number;
  /** A fresh file the bytes are written to while they arrive. */
  file: string;
  /** Takes the checked file in (or removes it, when no local copy is kept). */
  keep(file: string): Promise<void>;
}

export class FetchAbandoned extends Error {
  constructor() {
    super('every client of the fetch went away');
  }
}

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

  /** A reader of the whole blob, while the fetch runs. */
  reader(): Readable {
    if (this.state !== 'running') throw new Error('the fetch has ended');
    this.readers++;
    let position = 0;
    let reading = false;
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      this.readers--;
      if (this.readers === 0 && this.state === 'running') this.abandon();
      void this.closeWhenIdle();
    };
    const stream: Readable = new Readable({
      highWaterMark: IO_CHUNK,
      read: () => {
        if (reading) return;
        reading = true;
        const pump = async (): Promise<void> => {
          if (stream.destroyed) return;
          const available =
            this.state === 'done' ? this.written : Math.min(this.written, this.target.size - 1);
          if (this.state === 'failed') return void stream.destroy(this.failure ?? undefined);
          if (position >= available) {
            if (this.state === 'done') {
              reading = false;
              stream.push(null);
              return release();
            }
            this.progress.once('progress', () => void pump().catch((e) => stream.destroy(e)));
            return;
          }
          const length = Math.min(IO_CHUNK, available - position);
          const chunk = Buffer.allocUnsafe(length);
          const { bytesRead } = await this.file!.read(chunk, 0, length, position);
          position += bytesRead;
          reading = false;
          stream.push(chunk.subarray(0, bytesRead));
        };
        void pump().catch((err: Error) => stream.destroy(err));
      },
      destroy: (err, done) => {
        release();
        done(err);
      },
    });
    return stream;
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
      for await (const chunk of this.upstream.body as AsyncIterable<Buffer>) {
        if (this.state !== 'running') break;
        if (this.written + chunk.length > size)
          throw upstreamError(
            'UPSTREAM_INVALID',
            `the registry sent more than the ${size} bytes the manifest names`,
          );
        hash.update(chunk);
        await this.file.write(chunk, 0, chunk.length, this.written);
        this.written += chunk.length;
        this.progress.emit('progress');
      }
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
      this.state = 'done';
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
    this.fail(new FetchAbandoned());
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
