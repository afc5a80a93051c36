/**
 * When a crashed worker (the engine's or the trainer's) is started again: each restart waits
 * twice as long as the one before, and after `limit` restarts within `windowMs` there is no other,
 * so a worker that dies at once every time neither spins the computer nor fails out of sight.
 */
export interface RestartPolicy {
  limit: number;
  windowMs: number;
  firstDelayMs: number;
}

export const defaultRestartPolicy: RestartPolicy = { limit: 3, windowMs: 60_000, firstDelayMs: 500 };

/** What the page hears about a worker's crashes; `restarts` counts them since the page opened. */
export type WorkerFault =
  | { type: 'restarting'; restarts: number; delayMs: number }
  | { type: 'restarted'; restarts: number }
  | { type: 'restart-failed'; restarts: number; message: string }
  | { type: 'gave-up'; restarts: number; crashes: number; windowMs: number };

export class RestartBudget {
  private recent: number[] = [];
  /** Restarts so far, since the page opened. */
  restarts = 0;

  constructor(
    private readonly policy: RestartPolicy = defaultRestartPolicy,
    private readonly now: () => number = () => Date.now(),
  ) {}

  /** The wait before restarting after a crash now, or undefined when the limit is spent. */
  next(): number | undefined {
    const now = this.now();
    this.recent = this.recent.filter((at) => now - at < this.policy.windowMs);
    if (this.recent.length >= this.policy.limit) return undefined;
    this.recent.push(now);
    this.restarts++;
    return this.policy.firstDelayMs * 2 ** (this.recent.length - 1);
  }

  /** The fault to report when next() gave up: crashes counted within the window, this one included. */
  gaveUp(): WorkerFault {
    return { type: 'gave-up', restarts: this.restarts, crashes: this.recent.length + 1, windowMs: this.policy.windowMs };
  }
}
