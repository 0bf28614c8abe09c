import Keyv from 'keyv';

/** A Map that forgets its least recently used entries past `max` (Keyv keeps values in it as-is). */
class RecentMap<K, V> extends Map<K, V> {
  constructor(private readonly max: number) {
    super();
  }

  override get(key: K): V | undefined {
    if (!super.has(key)) return undefined;
    const value = super.get(key) as V;
    super.delete(key);
    super.set(key, value);
    return value;
  }

  override set(key: K, value: V): this {
    super.delete(key);
    super.set(key, value);
    if (this.size > this.max) super.delete(this.keys().next().value as K);
    return this;
  }
}

/**
 * What browsing and imports read, cached in memory (image summaries by digest, tag answers and
 * pages briefly). Any viewer can read any public repository through it, so it keeps only the
 * `maxEntries` most recently used answers.
 */
export function contentCache(maxEntries: number): Keyv {
  return new Keyv({ store: new RecentMap<string, unknown>(maxEntries) });
}
