/**
 * Many small writes become one transaction each few dozen milliseconds: an import of thousands
 * of photos then costs a handful of IndexedDB transactions a second instead of one per photo.
 */
export interface WriteBatcher<T> {
  /** Resolves when the batch holding `item` is written; rejects with that batch's error. */
  add(item: T): Promise<void>;
  /** Writes what is waiting now; resolves when every write so far has settled. */
  flush(): Promise<void>;
}

export function writeBatcher<T>(writeMany: (items: T[]) => Promise<void>, delayMs = 40): WriteBatcher<T> {
  let waiting: { item: T; resolve(): void; reject(error: unknown): void }[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  // One batch at a time, in order: a later batch never lands before an earlier one.
  let chain: Promise<void> = Promise.resolve();
  const flush = () => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    const batch = waiting;
    waiting = [];
    if (batch.length > 0) {
      chain = chain.then(() =>
        writeMany(batch.map((entry) => entry.item)).then(
          () => batch.forEach((entry) => entry.resolve()),
          (error: unknown) => batch.forEach((entry) => entry.reject(error)),
        ),
      );
    }
    return chain;
  };
  return {
    add(item) {
      return new Promise<void>((resolve, reject) => {
        waiting.push({ item, resolve, reject });
        timer ??= setTimeout(() => void flush(), delayMs);
      });
    },
    flush,
  };
}
