import { contentCache } from '../../src/federation/content-cache';

describe('the cache of what browsing reads', () => {
  it('keeps only the most recently used answers, however many repositories a viewer reads', async () => {
    const cache = contentCache(100);
    for (let i = 0; i < 1000; i++) await cache.set(`image:r/${i}@sha256:${i}`, { digest: `${i}` });
    let kept = 0;
    for (let i = 0; i < 1000; i++) if (await cache.get(`image:r/${i}@sha256:${i}`)) kept++;
    expect(kept).toBe(100);
    expect(await cache.get('image:r/999@sha256:999')).toEqual({ digest: '999' });
    expect(await cache.get('image:r/0@sha256:0')).toBeUndefined();
  });

  it('still expires tag answers by their TTL', async () => {
    const cache = contentCache(100);
    await cache.set('tag:r/app:latest:anonymous', 'sha256:1', 1);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await cache.get('tag:r/app:latest:anonymous')).toBeUndefined();
  });
});
