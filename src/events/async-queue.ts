/**
 * A push-to-pull bridge: producers `push`, one consumer iterates. Bounded, so a slow consumer
 * cannot hold the producer: on overflow the queue ends with the error `onOverflow` gives, or, if
 * it gives null, drops what it holds and goes on (the consumer has another way to the items).
 */
export class AsyncQueue<T> implements AsyncIterableIterator<T> {
  private readonly items: T[] = [];
  private waiting: ((result: IteratorResult<T>) => void) | null = null;
  private failWaiting: ((err: Error) => void) | null = null;
  private error: Error | null = null;
  private done = false;

  constructor(
    private readonly capacity: number,
    private readonly onOverflow: () => Error | null,
    private readonly onClose: () => void,
  ) {}

  push(item: T): void {
    if (this.done) return;
    if (this.waiting) {
      const resolve = this.waiting;
      this.waiting = this.failWaiting = null;
      resolve({ value: item, done: false });
      return;
    }
    if (this.items.length >= this.capacity) {
      const error = this.onOverflow();
      if (error) {
        this.fail(error);
        return;
      }
      this.items.length = 0;
    }
    this.items.push(item);
  }

  next(): Promise<IteratorResult<T>> {
    if (this.items.length > 0)
      return Promise.resolve({ value: this.items.shift() as T, done: false });
    if (this.error) return Promise.reject(this.error);
    if (this.done) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve, reject) => {
      this.waiting = resolve;
      this.failWaiting = reject;
    });
  }

  return(): Promise<IteratorResult<T>> {
    this.close();
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<T> {
    return this;
  }

  /** Ends the queue at once with `err`, dropping what it holds. */
  fail(err: Error): void {
    if (this.done) return;
    this.error = err;
    this.items.length = 0;
    const reject = this.failWaiting;
    this.waiting = this.failWaiting = null;
    this.close();
    reject?.(err);
  }

  private close(): void {
    if (this.done) return;
    this.done = true;
    const resolve = this.waiting;
    this.waiting = this.failWaiting = null;
    resolve?.({ value: undefined, done: true });
    this.onClose();
  }
}
