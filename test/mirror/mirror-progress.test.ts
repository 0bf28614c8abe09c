import { MirrorProgress } from '../../src/mirror/mirror-progress';
import type { MirrorCounts } from '../../src/store/mirror-job-store';

describe('MirrorProgress', () => {
  it('reports at most once a second, or per tenth of the bytes, and counts how blobs settled', async () => {
    let now = 0;
    const reports: MirrorCounts[] = [];
    const progress = new MirrorProgress(
      async (counts) => void reports.push(counts),
      () => now,
    );
    progress.total(1000);
    for (let i = 0; i < 50; i++) progress.bytes(1);
    await progress.settle();
    expect(reports.map((r) => r.bytesDone)).toEqual([0]);
    progress.bytes(60);
    now = 1000;
    progress.bytes(1);
    progress.settled('skipped', 200);
    progress.settled('mounted', 10);
    progress.settled('copied', 111);
    await progress.settle();
    expect(reports.map((r) => r.bytesDone)).toEqual([0, 110, 111, 311]);
    expect(progress.counts).toMatchObject({
      bytesDone: 321,
      bytesTotal: 1000,
      blobsCopied: 1,
      blobsMounted: 1,
      blobsSkipped: 1,
    });
  });
});
