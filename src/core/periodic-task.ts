/**
 * A background task run every `everyMs`, never two runs at once; the timer does not keep the
 * process alive, and `stop` waits for a run under way so what it uses can close after it. The
 * task reports its own failures.
 */
export class PeriodicTask {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(
    private readonly task: () => Promise<void>,
    private readonly everyMs: number,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.runNow(), this.everyMs);
    this.timer.unref();
  }

  /** Runs the task now, or joins the run under way. */
  runNow(): Promise<void> {
    return (this.running ??= this.task().finally(() => (this.running = null)));
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }
}
