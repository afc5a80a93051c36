import type { Page, Worker } from '@playwright/test';

const never = new Promise<never>(() => {});

/**
 * The page's running worker named `name` ('handful-engine', 'handful-trainer'), other than `not`.
 * Every worker is asked at once, and asked again about none: the engine's answers only between
 * two batches of photos (seconds apart on a busy machine), and LiteRT's WASM thread workers never
 * answer (they wait on their locks), so no worker can be waited on in turn or given a set moment.
 * Workers started meanwhile (a restarted one) are asked as they appear.
 */
export async function workerNamed(page: Page, name: string, not?: Worker, timeoutMs = 60_000): Promise<Worker> {
  const asked = new Map<Worker, Promise<Worker>>();
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    for (const worker of page.workers()) {
      if (worker === not || asked.has(worker)) continue;
      const named = worker.evaluate(() => (self as unknown as { name: string }).name).catch(() => undefined);
      asked.set(
        worker,
        named.then((answer) => (answer === name ? worker : never)),
      );
    }
    const found = await Promise.race([...asked.values(), new Promise<undefined>((resolve) => setTimeout(resolve, 250))]);
    if (found) return found;
  }
  throw new Error(`No running worker named ${name} answered within ${timeoutMs / 1000} s.`);
}
