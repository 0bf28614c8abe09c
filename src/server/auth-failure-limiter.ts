import { RateLimiterMemory } from 'rate-limiter-flexible';

/** Counts refused credentials per client; a Redis-backed one can share the counts between processes. */
export interface AuthFailureLimiter {
  /** Milliseconds the client must wait before presenting credentials again; 0 when it may now. */
  waitMs(client: string): Promise<number>;
  /** One more refused credential from the client. */
  fail(client: string): Promise<void>;
}

/** At most `perMinute` refused credentials a client per minute, counted in this process. */
export class MemoryAuthFailureLimiter implements AuthFailureLimiter {
  private readonly limiter: RateLimiterMemory;

  constructor(private readonly perMinute: number) {
    this.limiter = new RateLimiterMemory({
      keyPrefix: 'auth-failures',
      points: perMinute,
      duration: 60,
    });
  }

  async waitMs(client: string): Promise<number> {
    const counted = await this.limiter.get(client);
    if (!counted || counted.consumedPoints < this.perMinute) return 0;
    return Math.max(1, counted.msBeforeNext);
  }

  async fail(client: string): Promise<void> {
    await this.limiter.penalty(client);
  }
}
