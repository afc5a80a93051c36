/**
 * Debounced saving: many quick changes (typing a name, a burst of photos) become one write, and
 * whatever is still waiting is written at once when the page is hidden or closed.
 */
export interface DebouncedSaver<T> {
  /** Remembers `value` as the latest to save, and saves it after `delayMs` of quiet. */
  schedule(value: T): void;
  /** Saves the waiting value now, if there is one. */
  flush(): Promise<void>;
  /** True while a value waits or a write runs. */
  readonly pending: boolean;
}

/**
 * `maxWaitMs`: a value waits at most this long even while changes keep coming (a long import), so
 * a closed tab loses at most that much.
 */
export function debouncedSaver<T>(
  save: (value: T) => Promise<void>,
  delayMs: number,
  onSettled: (error: unknown) => void = () => {},
  maxWaitMs = Infinity,
): DebouncedSaver<T> {
  let waiting: { value: T; since: number } | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const writes = new Set<Promise<void>>();

  const flush = (): Promise<void> => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    if (waiting) {
      const { value } = waiting;
      waiting = undefined;
      // Started at once, not queued behind an earlier write: a page being closed gives no time
      // for a queue. Order is still kept, because IndexedDB runs read-write transactions on the
      // same store in the order they were created.
      const write: Promise<void> = save(value).then(
        () => settle(write, undefined),
        (error: unknown) => settle(write, error),
      );
      writes.add(write);
    }
    return Promise.all(writes).then(() => {});
  };

  const settle = (write: Promise<void>, error: unknown) => {
    writes.delete(write);
    onSettled(error);
  };

  return {
    schedule(value) {
      const since = waiting?.since ?? Date.now();
      waiting = { value, since };
      if (timer !== undefined) clearTimeout(timer);
      timer = setTimeout(() => void flush(), Math.max(0, Math.min(delayMs, since + maxWaitMs - Date.now())));
    },
    flush,
    get pending() {
      return waiting !== undefined || writes.size > 0;
    },
  };
}

/** Calls `flush` whenever the page is hidden (tab switch, close, phone lock); returns the unsubscribe. */
export function flushWhenHidden(flush: () => void): () => void {
  const onVisibility = () => {
    if (document.visibilityState === 'hidden') flush();
  };
  document.addEventListener('visibilitychange', onVisibility);
  window.addEventListener('pagehide', flush);
  return () => {
    document.removeEventListener('visibilitychange', onVisibility);
    window.removeEventListener('pagehide', flush);
  };
}
