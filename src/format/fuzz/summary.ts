/** What became of fuzz cases, counted (no app modules here, so the CLI's main thread can load it). */

export type Importer = 'head' | 'backup';

/**
 * Past this a case counts as a hang. It is the CPU time this process spent in the importer calls:
 * on a machine shared with other work, a case's wall-clock time grows with the load while its CPU
 * time does not, and on a quiet machine the two are the same. A case stuck waiting (no CPU) is
 * caught by the harness's GIVE_UP_MS instead.
 */
export const HANG_MS = 2000;

export interface CaseResult {
  importer: Importer;
  index: number;
  kinds: string[];
  /** 'opened', 'restored', 'restored-with-warnings', 'refused:<code>', or 'VIOLATION'. */
  outcome: string;
  /** Wall-clock time in the importer calls. */
  ms: number;
  /** CPU time this process spent in them (what the hang limit is about). */
  cpuMs: number;
  /** The message a refused file got. */
  message?: string;
  /** What went wrong, when the case broke a rule. */
  violation?: string;
  /** Given up on while still running: it may yet write to IndexedDB, so the run cannot go on in this process. */
  abandoned?: boolean;
}

export interface Summary {
  importer: Importer;
  seed: number;
  cases: number;
  outcomes: Record<string, number>;
  /** Outcomes by mutation kind (a case with two kinds counts for both). */
  byKind: Record<string, Record<string, number>>;
  /** By CPU time. */
  slowest: CaseResult | undefined;
  /** The longest wall-clock time of any case (the machine's load adds to it). */
  longestMs: number;
  violations: CaseResult[];
}

export function summarise(importer: Importer, seed: number, results: CaseResult[]): Summary {
  const summary: Summary = {
    importer,
    seed,
    cases: results.length,
    outcomes: {},
    byKind: {},
    slowest: undefined,
    longestMs: 0,
    violations: [],
  };
  for (const result of results) {
    summary.outcomes[result.outcome] = (summary.outcomes[result.outcome] ?? 0) + 1;
    for (const kind of new Set(result.kinds)) {
      const counts = (summary.byKind[kind] ??= {});
      counts[result.outcome] = (counts[result.outcome] ?? 0) + 1;
    }
    if (!(summary.slowest && summary.slowest.cpuMs >= result.cpuMs) && Number.isFinite(result.cpuMs)) summary.slowest = result;
    if (Number.isFinite(result.ms)) summary.longestMs = Math.max(summary.longestMs, result.ms);
    if (result.outcome === 'VIOLATION') summary.violations.push(result);
  }
  return summary;
}
