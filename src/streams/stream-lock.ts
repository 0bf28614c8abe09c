/**
 * Serializes work per key (an image stream id) inside this process: two imports of one stream,
 * or an import and a tag change, run one after the other and never interleave their writes.
 */
export class KeyedLock {
  private readonly tails = new Map<string, Promise<void>>();

  async run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const current = new Promise<void>((resolve) => (release = resolve));
    const tail = previous.then(() => current);
    this.tails.set(key, tail);
    await previous;
    try {
      return await work();
    } finally {
      release();
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }
}

/** Streams are locked by name, which is known before the stream exists. */
export const streamLockKey = (namespace: string, stream: string) => `${namespace}/${stream}`;
