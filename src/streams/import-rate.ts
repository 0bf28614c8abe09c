/**
 * The imports a minute regql makes on its own (scheduled and webhook-started): a token bucket,
 * full at start, shared by the scheduler and the webhook intake.
 */
export class ImportRate {
  private tokens: number;
  private refilledAt = Date.now();

  constructor(private readonly perMinute: number) {
    this.tokens = perMinute;
  }

  /** Tokens free at `now`, a fraction included. */
  available(now = Date.now()): number {
    if (now > this.refilledAt) {
      this.tokens = Math.min(
        this.perMinute,
        this.tokens + ((now - this.refilledAt) * this.perMinute) / 60_000,
      );
      this.refilledAt = now;
    }
    return this.tokens;
  }

  /** Milliseconds until a whole token is free; 0 when one is. */
  waitMs(now = Date.now()): number {
    const free = this.available(now);
    return free >= 1 ? 0 : Math.ceil(((1 - free) * 60_000) / this.perMinute);
  }

  take(): void {
    this.tokens -= 1;
  }

  /** Returns a token taken for an import that did not start. */
  giveBack(): void {
    this.tokens = Math.min(this.perMinute, this.tokens + 1);
  }
}
