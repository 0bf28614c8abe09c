/**
 * What crosses process boundaries. Events themselves live in the log (the store every process
 * shares); the bus only says "the log has grown" or "this token is gone", so each process reads
 * the log in id order and no event can overtake another on the way.
 */
export type BusSignal = { kind: 'appended' } | { kind: 'revoked'; tokenId: string };

export interface EventBus {
  signal(signal: BusSignal): void;
  /** Signals from this process and, for a shared bus, from every other; returns the unsubscribe. */
  onSignal(listener: (signal: BusSignal) => void): () => void;
  close(): Promise<void>;
}

/** The default bus: one process, listeners called synchronously. */
export class InProcessEventBus implements EventBus {
  private readonly listeners = new Set<(signal: BusSignal) => void>();

  signal(signal: BusSignal): void {
    for (const listener of this.listeners) listener(signal);
  }

  onSignal(listener: (signal: BusSignal) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  close(): Promise<void> {
    this.listeners.clear();
    return Promise.resolve();
  }
}
