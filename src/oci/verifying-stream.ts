import { createHash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { upstreamError, type UpstreamError } from './upstream-error';

/**
 * A pass-through that hashes what flows and, at the end, fails unless exactly `size` bytes
 * hashing to `digest` (sha256) went by, so that whatever reads it never completes a wrong
 * blob. `failure` keeps the reason, which the reader may only see as its own write failing.
 */
export class VerifyingStream extends Transform {
  failure: UpstreamError | null = null;
  private readonly hash = createHash('sha256');
  private seen = 0;

  /** `hashing: false` checks the size only, for a reader that checks the digest itself. */
  constructor(
    private readonly digest: string,
    private readonly size: number,
    private readonly onBytes: (bytes: number) => void = () => undefined,
    private readonly hashing = true,
  ) {
    super();
    if (!digest.startsWith('sha256:'))
      throw upstreamError('UPSTREAM_UNSUPPORTED', `blob ${digest}: only sha256 digests are copied`);
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback) {
    this.seen += chunk.length;
    if (this.seen > this.size) return done(this.fail(`more than its ${this.size} bytes`));
    if (this.hashing) this.hash.update(chunk);
    this.onBytes(chunk.length);
    done(null, chunk);
  }

  override _flush(done: TransformCallback) {
    if (this.seen !== this.size)
      return done(this.fail(`${this.seen} bytes arrived, not its ${this.size}`));
    if (!this.hashing) return done(null);
    const actual = `sha256:${this.hash.digest('hex')}`;
    done(actual === this.digest ? undefined : this.fail(`its bytes hash to ${actual}`));
  }

  private fail(why: string): UpstreamError {
    this.failure = upstreamError('UPSTREAM_INVALID', `blob ${this.digest}: ${why}`);
    return this.failure;
  }
}
