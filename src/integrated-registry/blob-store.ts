import { createHash, randomUUID, type Hash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { finished, PassThrough, Transform, type Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { IO_CHUNK, sendFile } from './send-file';

const uploadIdPattern = /^[0-9a-f-]{36}$/;
const sha256Pattern = /^sha256:[a-f0-9]{64}$/;

export class UploadError extends Error {
  constructor(
    readonly code: 'BLOB_UPLOAD_UNKNOWN' | 'DIGEST_INVALID' | 'SIZE_INVALID',
    message: string,
  ) {
    super(message);
  }
}

/**
 * `body` behind a PassThrough: a chunk refused on the way stops the copy without destroying the
 * request itself, so that the refusal can still be answered. A client going away still fails it.
 */
function shielded(body: Readable): Readable {
  const pass = new PassThrough({ highWaterMark: IO_CHUNK });
  body.pipe(pass);
  finished(body, (err) => {
    if (err) pass.destroy(err);
  });
  return pass;
}

interface UploadMeta {
  repository: string;
  startedAt: string;
}

/**
 * Content-addressed blobs on the filesystem. Bytes stream into an upload file while they are
 * hashed; a blob appears under its digest only once the digest matched, by rename, so a crash
 * leaves either no blob or a whole one. Upload sessions are directories: they survive restarts.
 */
export class BlobStore {
  /** Running hashes of uploads in progress, valid while `hashedBytes` equals the file size. */
  private readonly hashes = new Map<string, { hash: Hash; hashedBytes: number }>();
  /** Uploads a request is changing right now. */
  private readonly claimed = new Set<string>();

  constructor(private readonly root: string) {}

  async init(): Promise<void> {
    await mkdir(join(this.root, 'blobs', 'sha256'), { recursive: true });
    await mkdir(join(this.root, 'uploads'), { recursive: true });
    // Content being written when the process stopped: never a blob, so never worth keeping.
    for (const name of await readdir(join(this.root, 'uploads')))
      if (name.endsWith('.tmp')) await rm(join(this.root, 'uploads', name), { force: true });
  }

  blobPath(digest: string): string {
    if (!sha256Pattern.test(digest))
      throw new UploadError('DIGEST_INVALID', `unsupported digest ${digest}`);
    const hex = digest.slice(7);
    return join(this.root, 'blobs', 'sha256', hex.slice(0, 2), hex);
  }

  /** Writes the blob to `out` and ends it. */
  sendTo(digest: string, out: Writable): Promise<void> {
    return sendFile(this.blobPath(digest), out);
  }

  open(digest: string): Readable {
    return createReadStream(this.blobPath(digest), { highWaterMark: IO_CHUNK });
  }

  readAll(digest: string): Promise<Buffer> {
    return readFile(this.blobPath(digest));
  }

  /** Stores small content (a manifest) whose digest the caller computed from the same bytes. */
  async putBytes(digest: string, bytes: Buffer): Promise<void> {
    const temp = this.tempFile();
    await writeFile(temp, bytes);
    await this.adopt(temp, digest);
  }

  /** A new file name for content on its way in, removed at the next start if left behind. */
  tempFile(): string {
    return join(this.root, 'uploads', `${randomUUID()}.tmp`);
  }

  /** Moves a file written to `tempFile()`, whose bytes the caller checked, in as `digest`. */
  async adopt(temp: string, digest: string): Promise<void> {
    const target = this.blobPath(digest);
    await mkdir(join(target, '..'), { recursive: true });
    await rename(temp, target);
  }

  async startUpload(repository: string): Promise<string> {
    const id = randomUUID();
    const dir = this.uploadDir(id);
    await mkdir(dir);
    await writeFile(
      join(dir, 'meta.json'),
      JSON.stringify({ repository, startedAt: new Date().toISOString() } satisfies UploadMeta),
    );
    await writeFile(join(dir, 'data'), '');
    this.hashes.set(id, { hash: createHash('sha256'), hashedBytes: 0 });
    return id;
  }

  /**
   * Reserves an upload for one request that appends to, finishes or cancels it, so two requests
   * never write the same file or running hash. Returns the release, or null while another holds it.
   */
  claim(id: string): (() => void) | null {
    if (this.claimed.has(id)) return null;
    this.claimed.add(id);
    return () => this.claimed.delete(id);
  }

  /** The repository it was started for and how many bytes it holds, or null for an unknown id. */
  async upload(
    id: string,
  ): Promise<{ repository: string; startedAt: string; size: number } | null> {
    if (!uploadIdPattern.test(id)) return null;
    try {
      const meta = JSON.parse(
        await readFile(join(this.uploadDir(id), 'meta.json'), 'utf8'),
      ) as UploadMeta;
      const { size } = await stat(join(this.uploadDir(id), 'data'));
      return { ...meta, size };
    } catch {
      return null;
    }
  }

  /** Upload sessions on disk, by id. */
  async uploadIds(): Promise<string[]> {
    return (await readdir(join(this.root, 'uploads'))).filter((name) => uploadIdPattern.test(name));
  }

  /** How many bytes an upload holds and when it was last written to, or null once it is gone. */
  async written(id: string): Promise<{ size: number; lastWriteMs: number } | null> {
    const dir = this.uploadDir(id);
    for (const path of [join(dir, 'data'), dir]) {
      try {
        const file = await stat(path);
        return { size: path === dir ? 0 : file.size, lastWriteMs: file.mtimeMs };
      } catch {
        // A session is created directory first; the data file may not be there yet.
      }
    }
    return null;
  }

  /**
   * Appends a chunk to an upload of `start` bytes (its size as upload() told it), hashing as it
   * streams. `expectedLength` (Content-Length) must match what arrives, and `admit` may refuse
   * any piece by throwing; on a short or long body, a refused piece or a client that goes away,
   * the chunk is cut off again and the upload holds its `start` bytes.
   */
  async append(
    id: string,
    start: number,
    body: Readable,
    expectedLength?: number,
    admit: (bytes: number) => void = () => undefined,
  ): Promise<number> {
    const file = join(this.uploadDir(id), 'data');
    const state = await this.hashState(id, start);
    let received = 0;
    try {
      const hashing = new Transform({
        transform(chunk: Buffer, _encoding, done) {
          try {
            admit(chunk.length);
          } catch (err) {
            return done(err as Error);
          }
          received += chunk.length;
          state.hash.update(chunk);
          done(null, chunk);
        },
      });
      await pipeline(
        shielded(body),
        hashing,
        createWriteStream(file, { flags: 'a', highWaterMark: IO_CHUNK }),
      );
      if (expectedLength !== undefined && received !== expectedLength) {
        throw new UploadError(
          'SIZE_INVALID',
          `the body held ${received} bytes, not the declared ${expectedLength}`,
        );
      }
    } catch (err) {
      await this.truncate(id, start);
      throw err;
    }
    state.hashedBytes = start + received;
    return start + received;
  }

  /**
   * Moves an upload of `size` bytes (as append() or upload() told it) into place under `digest`
   * once the bytes hash to it; otherwise leaves it.
   */
  async finish(id: string, digest: string, size: number): Promise<void> {
    const file = join(this.uploadDir(id), 'data');
    const state = await this.hashState(id, size);
    const actual = `sha256:${state.hash.copy().digest('hex')}`;
    if (actual !== digest)
      throw new UploadError('DIGEST_INVALID', `the upload hashes to ${actual}, not ${digest}`);
    const target = this.blobPath(digest);
    await mkdir(join(target, '..'), { recursive: true });
    await rename(file, target);
    await this.cancel(id);
  }

  async cancel(id: string): Promise<void> {
    this.hashes.delete(id);
    await rm(this.uploadDir(id), { recursive: true, force: true });
  }

  async deleteBlob(digest: string): Promise<void> {
    await rm(this.blobPath(digest), { force: true });
  }

  /** Every stored blob digest, for garbage collection and integrity checks. */
  async *digests(): AsyncGenerator<string> {
    const base = join(this.root, 'blobs', 'sha256');
    for (const prefix of await readdir(base)) {
      for (const hex of await readdir(join(base, prefix))) yield `sha256:${hex}`;
    }
  }

  private uploadDir(id: string): string {
    if (!uploadIdPattern.test(id)) throw new UploadError('BLOB_UPLOAD_UNKNOWN', 'unknown upload');
    return join(this.root, 'uploads', id);
  }

  /** The running hash of an upload, rebuilt from its file after a restart or a cut-off chunk. */
  private async hashState(id: string, size: number): Promise<{ hash: Hash; hashedBytes: number }> {
    const known = this.hashes.get(id);
    if (known && known.hashedBytes === size) return known;
    const hash = createHash('sha256');
    if (size > 0)
      await pipeline(
        createReadStream(join(this.uploadDir(id), 'data'), {
          end: size - 1,
          highWaterMark: IO_CHUNK,
        }),
        async (source: AsyncIterable<Buffer>) => {
          for await (const chunk of source) hash.update(chunk);
        },
      );
    const state = { hash, hashedBytes: size };
    this.hashes.set(id, state);
    return state;
  }

  private async truncate(id: string, size: number): Promise<void> {
    await truncate(join(this.uploadDir(id), 'data'), size);
    this.hashes.delete(id);
  }
}
