// A fixed pool of classifiers (one interpreter each, loaded once and reused, so N requests run on N cores) with a
// bounded FIFO wait queue.
import type { Classifier } from '../types.js';

export class ClassifierPool {
  private readonly idle: Classifier[];
  private readonly waiting: ((c: Classifier) => void)[] = [];

  constructor(
    readonly classifiers: readonly Classifier[],
    private readonly maxQueue: number,
  ) {
    if (classifiers.length === 0) throw new RangeError('a classifier pool needs at least one classifier');
    this.idle = [...classifiers];
  }

  /** Requests waiting for a free classifier. */
  get queued(): number {
    return this.waiting.length;
  }

  /** True when a new request would be refused (every classifier busy and the queue full). */
  get full(): boolean {
    return this.idle.length === 0 && this.waiting.length >= this.maxQueue;
  }

  /** Classifiers working on a request now. */
  get busy(): number {
    return this.classifiers.length - this.idle.length;
  }

  /**
   * Runs `fn` on a free classifier, after waiting in the queue if all are busy. Returns undefined, without
   * running `fn`, when the queue is full (the caller answers 503).
   */
  use<T>(fn: (c: Classifier) => Promise<T>): Promise<T> | undefined {
    const free = this.idle.pop();
    if (!free && this.waiting.length >= this.maxQueue) return undefined;
    const run = async () => {
      const c = free ?? (await new Promise<Classifier>((resolve) => this.waiting.push(resolve)));
      try {
        return await fn(c);
      } finally {
        const next = this.waiting.shift();
        if (next) next(c);
        else this.idle.push(c);
      }
    };
    return run();
  }

  close() {
    for (const c of this.classifiers) c.close();
  }
}
