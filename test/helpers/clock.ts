import type { Clock } from '../../src/core/clock';

/**
 * A clock that moves only when the test says so: `advance` moves `now` and fires the timers that
 * fall due, in due order. Never advanced, it holds whatever runs on it still.
 */
export class ManualClock implements Clock {
  private timers: { id: number; at: number; callback: () => void }[] = [];
  private nextId = 1;

  constructor(private current = Date.now()) {}

  now(): number {
    return this.current;
  }

  setTimeout(callback: () => void, delayMs: number): number {
    const id = this.nextId++;
    this.timers.push({ id, at: this.current + Math.max(0, delayMs), callback });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.timers = this.timers.filter((t) => t.id !== handle);
  }

  /** Timers set and not yet fired or cleared. */
  pending(): number {
    return this.timers.length;
  }

  /** Moves the time on by `ms`, firing every timer due by then (those set meanwhile too). */
  advance(ms: number): void {
    const until = this.current + ms;
    for (;;) {
      const due = this.timers
        .filter((t) => t.at <= until)
        .sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (!due) break;
      this.timers = this.timers.filter((t) => t !== due);
      this.current = Math.max(this.current, due.at);
      due.callback();
    }
    this.current = until;
  }
}
