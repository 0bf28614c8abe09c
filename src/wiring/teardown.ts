import type { Logger } from 'pino';

/** What every part of the app returns besides its services: how to stop what it started. */
export interface Stoppable {
  stop(): Promise<void>;
}

/**
 * A stack of stops: what was started last is stopped first. Every stop runs even when an earlier
 * one fails; `run` then rejects with the first failure. A second `run` has nothing left to stop.
 */
export class Teardown {
  private readonly stops: { name: string; stop: () => Promise<void> | void }[] = [];

  constructor(private readonly log?: Logger) {}

  add(name: string, stop: () => Promise<void> | void): void {
    this.stops.push({ name, stop });
  }

  async run(): Promise<void> {
    let failure: { err: unknown } | null = null;
    for (let next = this.stops.pop(); next; next = this.stops.pop()) {
      try {
        await next.stop();
      } catch (err) {
        this.log?.error({ err, stopping: next.name }, 'stopping failed');
        failure ??= { err };
      }
    }
    if (failure) throw failure.err;
  }
}

/**
 * Starts one part: `build` registers a stop for each thing it starts, as it starts it. If `build`
 * throws, what it started so far is stopped (last first) and its error is rethrown; otherwise the
 * part's services come back with the stop of the whole part.
 */
export async function startPart<T extends object>(
  log: Logger,
  build: (teardown: Teardown) => Promise<T> | T,
): Promise<T & Stoppable> {
  const teardown = new Teardown(log);
  try {
    const services = await build(teardown);
    return { ...services, stop: () => teardown.run() };
  } catch (err) {
    await teardown.run().catch(() => {}); // each failure is logged; the start's error is the news
    throw err;
  }
}

/** `fn` run at most once; later calls get the first call's promise. */
export function once(fn: () => Promise<void>): () => Promise<void> {
  let done: Promise<void> | null = null;
  return () => (done ??= fn());
}
