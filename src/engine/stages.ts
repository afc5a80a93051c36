/**
 * Where the engine worker's time goes, per stage of the pipeline (decode, copies, each model...):
 * milliseconds spent awaiting each stage, summed since the last time they were taken. Stages
 * that overlap (decoding the next photos while a model runs) each count their own time.
 */
export type StageTimes = Record<string, { ms: number; count: number }>;

const totals = new Map<string, { ms: number; count: number }>();

export async function timed<T>(stage: string, work: () => Promise<T> | T): Promise<T> {
  const began = performance.now();
  try {
    return await work();
  } finally {
    const entry = totals.get(stage) ?? { ms: 0, count: 0 };
    entry.ms += performance.now() - began;
    entry.count++;
    totals.set(stage, entry);
  }
}

/** Milliseconds and counts per stage since the last call, and starts counting afresh. */
export function takeStageTimes(): StageTimes {
  const taken = Object.fromEntries(totals);
  totals.clear();
  return taken;
}

/** Adds times taken elsewhere (the decoding thread's) to this thread's. */
export function addStageTimes(times: StageTimes): void {
  for (const [stage, { ms, count }] of Object.entries(times)) {
    const entry = totals.get(stage) ?? { ms: 0, count: 0 };
    entry.ms += ms;
    entry.count += count;
    totals.set(stage, entry);
  }
}
