// Bounded concurrency: run `fn` over `items` with at most `limit` calls in flight. A rejection
// stops nothing else; it is rethrown once every item has run (callers that must not fail make
// `fn` total).
//
// `items` may be an async iterable that produces work as it goes (a queue refilled from the
// database): the workers pull from it one at a time, so it is never asked for two items at once,
// and it is asked for the next item only when a worker is free. If pulling fails, no further
// item is taken and that error is rethrown once the calls in flight have finished.
export async function forEachConcurrently<T>(items: readonly T[] | AsyncIterable<T>, limit: number, fn: (item: T, index: number) => Promise<void>): Promise<void> {
  const errors: unknown[] = [];
  const run = async (item: T, index: number) => {
    try {
      await fn(item, index);
    } catch (error) {
      errors.push(error);
    }
  };
  const lanes = Math.max(1, Math.floor(limit) || 1);
  let next = 0;
  let worker: () => Promise<void>;
  let workers: number;
  if (isArray(items)) {
    worker = async () => {
      while (next < items.length) {
        const index = next++;
        await run(items[index]!, index);
      }
    };
    workers = Math.max(1, Math.min(lanes, items.length));
  } else {
    const iterator = items[Symbol.asyncIterator]();
    let finished = false;
    let pulling: Promise<unknown> = Promise.resolve();
    // Pulls are chained, so an iterator that is not an async generator is never asked twice at once.
    const pull = (): Promise<IteratorResult<T> | null> => {
      const pulled = pulling.then(async () => {
        if (finished) return null;
        try {
          const result = await iterator.next();
          if (result.done) finished = true;
          return result;
        } catch (error) {
          finished = true;
          errors.push(error);
          return null;
        }
      });
      pulling = pulled;
      return pulled;
    };
    worker = async () => {
      for (;;) {
        const result = await pull();
        if (!result || result.done) return;
        await run(result.value, next++);
      }
    };
    workers = lanes;
  }
  await Promise.all(Array.from({ length: workers }, worker));
  if (errors.length) throw errors[0];
}

function isArray<T>(items: readonly T[] | AsyncIterable<T>): items is readonly T[] {
  return Array.isArray(items);
}
