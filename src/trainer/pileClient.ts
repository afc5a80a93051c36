/**
 * The page's side of the pile worker (./pileWorker). Like training, only the newest request
 * matters: while one runs, a newer one replaces any waiting one, which resolves as superseded.
 * Each embedding is posted once; the client remembers which the worker holds.
 */
import { RestartBudget, type RestartPolicy } from '../engine/restarts';
import type { PileRequest, PileResponse } from './pileProtocol';

export const pileCrashedMessage = 'The photo sorting stopped unexpectedly; it starts again by itself.';
export const pileStoppedMessage = 'The photo sorting stopped several times and was not started again. Reload the page to sort the pile.';

export type PileAsk = Omit<PileRequest, 'id' | 'embeddings'>;

export interface PileWorkerLike {
  postMessage(message: PileRequest): void;
  addEventListener(type: 'message', listener: (event: MessageEvent<PileResponse>) => void): void;
  addEventListener(type: 'error', listener: (event: Event) => void): void;
  terminate(): void;
}

type Outcome = PileResponse | { superseded: true };

export class PileClient {
  private worker: PileWorkerLike;
  private nextId = 1;
  /** Hashes whose embeddings the worker holds. */
  private held = new Set<string>();
  private running: { id: number; resolve(outcome: Outcome): void } | undefined;
  private waiting: { ask: PileAsk; embeddingOf(hash: string): Float32Array | undefined; resolve(outcome: Outcome): void } | undefined;
  /** Crashes restart the worker with a growing wait, as for the other two workers (../engine/restarts). */
  private readonly budget: RestartBudget;
  private restartTimer: ReturnType<typeof setTimeout> | undefined;
  private stopped = false;

  constructor(
    private readonly createWorker: () => PileWorkerLike,
    policy?: RestartPolicy,
  ) {
    this.budget = new RestartBudget(policy);
    this.worker = this.started();
  }

  private started(): PileWorkerLike {
    const worker = this.createWorker();
    worker.addEventListener('message', (event) => {
      if (event.data.id !== this.running?.id) return;
      this.finish(event.data);
    });
    worker.addEventListener('error', () => this.crashed(worker));
    return worker;
  }

  /** A crashed worker holds nothing any more; its request fails with a reason, and a fresh one starts after a wait. */
  private crashed(dead: PileWorkerLike): void {
    if (dead !== this.worker || this.restartTimer !== undefined) return;
    dead.terminate();
    this.held = new Set();
    const delayMs = this.budget.next();
    const running = this.running;
    this.running = undefined;
    if (delayMs === undefined) {
      this.stopped = true;
      running?.resolve({ id: running.id, problem: pileStoppedMessage });
      this.waiting?.resolve({ id: 0, problem: pileStoppedMessage });
      this.waiting = undefined;
      return;
    }
    running?.resolve({ id: running.id, problem: pileCrashedMessage });
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      this.worker = this.started();
      this.startWaiting();
    }, delayMs);
  }

  private finish(response: PileResponse): void {
    const running = this.running;
    this.running = undefined;
    running?.resolve(response);
    this.startWaiting();
  }

  /** Sends only photos whose embedding is known; the worker's answers cover those. */
  ask(ask: PileAsk, embeddingOf: (hash: string) => Float32Array | undefined): Promise<Outcome> {
    return new Promise((resolve) => {
      if (this.stopped) return resolve({ id: 0, problem: pileStoppedMessage });
      this.waiting?.resolve({ superseded: true });
      this.waiting = { ask, embeddingOf, resolve };
      if (!this.running) this.startWaiting();
    });
  }

  private startWaiting(): void {
    const next = this.waiting;
    if (!next || this.restartTimer !== undefined) return;
    this.waiting = undefined;
    const { ask, embeddingOf } = next;
    if (ask.fresh) this.held = new Set();
    const known = (hashes: string[]) => hashes.filter((hash) => this.held.has(hash) || embeddingOf(hash) !== undefined);
    const pile = known(ask.pile);
    const classes = ask.classes.map(({ id, photos }) => ({ id, photos: known(photos) }));
    const classPhotos = classes.flatMap((c) => c.photos);
    const embeddings: [string, Float32Array][] = [];
    for (const hash of [...pile, ...classPhotos]) if (!this.held.has(hash)) embeddings.push([hash, embeddingOf(hash)!]);
    // The worker drops what is in neither list; so does this record of what it holds.
    this.held = new Set([...pile, ...classPhotos]);
    const id = this.nextId++;
    this.running = { id, resolve: next.resolve };
    this.worker.postMessage({ ...ask, id, pile, classes, embeddings });
  }

  dispose(): void {
    clearTimeout(this.restartTimer);
    this.worker.terminate();
    this.waiting?.resolve({ superseded: true });
    this.running?.resolve({ superseded: true });
    this.waiting = undefined;
    this.running = undefined;
  }
}

export function createPileClient(): PileClient {
  return new PileClient(
    () => new Worker(new URL('./pileWorker.ts', import.meta.url), { type: 'module', name: 'handful-pile' }) as PileWorkerLike,
  );
}
