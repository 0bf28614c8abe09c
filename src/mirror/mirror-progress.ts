import type { MirrorCounts } from '../store/mirror-job-store';

/** At most one report per this long, unless a tenth of the bytes went by since the last. */
const REPORT_EVERY_MS = 1000;

/**
 * A job's counts as its blobs go by, reported (stored, announced) at most once a second or once
 * per tenth of the total. Reports run one after another, never holding up the bytes.
 */
export class MirrorProgress {
  readonly counts: MirrorCounts = {
    bytesDone: 0,
    bytesTotal: null,
    blobsCopied: 0,
    blobsMounted: 0,
    blobsSkipped: 0,
  };
  private lastAt = 0;
  private lastBytes = 0;
  private reporting: Promise<void> = Promise.resolve();

  constructor(
    private readonly report: (counts: MirrorCounts) => Promise<void>,
    private readonly now: () => number = Date.now,
  ) {}

  total(bytes: number): void {
    this.counts.bytesTotal = bytes;
    this.flush();
  }

  bytes(count: number): void {
    this.counts.bytesDone += count;
    const total = this.counts.bytesTotal ?? 0;
    if (
      this.now() - this.lastAt >= REPORT_EVERY_MS ||
      (total > 0 && this.counts.bytesDone - this.lastBytes >= total / 10)
    )
      this.flush();
  }

  /** A blob that needed no copy (present or mounted) counts as done at once. */
  settled(how: 'copied' | 'mounted' | 'skipped', size: number): void {
    if (how === 'mounted') this.counts.blobsMounted += 1;
    else if (how === 'skipped') this.counts.blobsSkipped += 1;
    else this.counts.blobsCopied += 1;
    if (how !== 'copied') this.bytes(size);
  }

  /** Waits for the reports under way; a failed report is the job's failure. */
  settle(): Promise<void> {
    return this.reporting;
  }

  private flush(): void {
    this.lastAt = this.now();
    this.lastBytes = this.counts.bytesDone;
    const counts = { ...this.counts };
    this.reporting = this.reporting.then(() => this.report(counts));
  }
}
