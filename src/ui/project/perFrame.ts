/**
 * Many small events (a photo stored, a photo embedded, a progress step) become one state update
 * per frame: React then renders once for a screenful of changes instead of once per photo, which
 * at thousands of photos is what keeps the page answering clicks during an import.
 */

/**
 * Returns `schedule`: however often it is called, `run` runs once, at the next frame, or after
 * `fallbackMs` when the tab is hidden and frames stop (an import in a background tab still
 * updates, and so still saves, its state).
 */
export function oncePerFrame(run: () => void, fallbackMs = 250): () => void {
  let frame: number | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const fire = () => {
    if (frame !== undefined) cancelAnimationFrame(frame);
    if (timer !== undefined) clearTimeout(timer);
    frame = timer = undefined;
    run();
  };
  return () => {
    if (timer !== undefined) return;
    frame = requestAnimationFrame(fire);
    timer = setTimeout(fire, fallbackMs);
  };
}

/** Items collected by key (say, photos by class) and handed over together once per frame. */
export function perFrameBatch<K, T>(flush: (batches: Map<K, T[]>) => void): { add(key: K, item: T): void; flushNow(): void } {
  let pending = new Map<K, T[]>();
  const run = () => {
    if (pending.size === 0) return;
    const batches = pending;
    pending = new Map();
    flush(batches);
  };
  const schedule = oncePerFrame(run);
  return {
    add(key, item) {
      const list = pending.get(key);
      if (list) list.push(item);
      else pending.set(key, [item]);
      schedule();
    },
    flushNow: run,
  };
}
