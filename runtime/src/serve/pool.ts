// A fixed pool of classifiers (one interpreter each, so N requests run on N cores) with a bounded wait queue.
import type { Classifier } from '../types.js';

export class QueueFullError extends Error {}

export class ClassifierPool {
  private readonly idle: Classifier[];
  private readonly waiting: ((c: Classifier) => void)[] = [];

  constructor(
    readonly classifiers: readonly Classifier[],
    private readonly maxQueue: number,
  ) {
    this.idle = [...classifiers];
  }

  get queued(): number {
    return this.waiting.length;
  }

  get busy(): number {
    return this.classifiers.length - this.idle.length;
  }

  /** Runs `fn` on a free classifier; waits in the queue, or throws QueueFullError when the queue is full. */
  async use<T>(fn: (c: Classifier) => Promise<T>): Promise<T> {
    let classifier = this.idle.pop();
    if (!classifier) {
      if (this.waiting.length >= this.maxQueue) throw new QueueFullError('the queue is full');
      classifier = await new Promise<Classifier>((resolve) => this.waiting.push(resolve));
    }
    try {
      return await fn(classifier);
    } finally {
      const next = this.waiting.shift();
      if (next) next(classifier);
      else this.idle.push(classifier);
    }
  }

  close() {
    for (const c of this.classifiers) c.close();
  }
}
