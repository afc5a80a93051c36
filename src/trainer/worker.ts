/// <reference lib="webworker" />
/**
 * Trains the head and cross-validates it off the page's thread. The head is sent as soon as it is
 * trained; the evaluation, which refits it once per held-out part and takes several times as
 * long, follows. Between parts the worker lets waiting messages in, and stops evaluating a head
 * once a newer request has arrived: that head is no longer the one shown.
 */
import { evaluationSteps, PreparedRows, type EvaluationSteps } from '../head';
import { TrainingStore } from './packing';
import type { TrainRequest, TrainResponse } from './protocol';
import { trainHead } from './trainHead';

declare const self: DedicatedWorkerGlobalScope;

/** The id of the newest request received, and the one sent (see TrainRequest's `newest`). */
let newest = 0;
let newestSent: Int32Array | undefined;

/** The last request's embeddings, and what was prepared of them: a request carries only new ones. */
const store = new TrainingStore();
const prepared = new PreparedRows();

/** Thrown out of an evaluation that a newer request has replaced. */
class Replaced extends Error {}

const replaced = (id: number) => id !== newest || (newestSent !== undefined && Atomics.load(newestSent, 0) !== id);

const post = (response: TrainResponse) => self.postMessage(response);

function evaluateInSteps(id: number, steps: EvaluationSteps): void {
  const started = performance.now();
  const step = () => {
    if (replaced(id)) return;
    try {
      const next = steps.next();
      if (next.done) return post({ id, type: 'evaluated', evaluation: next.value, ms: performance.now() - started });
    } catch (error) {
      if (error instanceof Replaced) return;
      return post({ id, type: 'failed', message: (error as Error).message });
    }
    setTimeout(step, 0);
  };
  // Not at once: a request already waiting replaces this one before any of the work is done.
  setTimeout(step, 0);
}

self.onmessage = (event: MessageEvent<TrainRequest>) => {
  const request = event.data;
  const { id } = request;
  newest = id;
  newestSent = request.newest ?? newestSent;
  let data: ReturnType<typeof store.unpack>;
  try {
    data = store.unpack(request.data);
  } catch (error) {
    return post({ id, type: 'failed', message: (error as Error).message });
  }
  const interrupt = () => {
    if (replaced(id)) throw new Replaced();
  };
  if (request.type === 'evaluate') return evaluateInSteps(id, evaluationSteps(data, request.model, interrupt, prepared));
  const started = performance.now();
  let trained: ReturnType<typeof trainHead>;
  try {
    trained = trainHead(data, request.previous, interrupt, prepared);
  } catch (error) {
    return post({ id, type: 'failed', message: (error as Error).message });
  }
  post({ id, type: 'trained', model: trained.model, ms: performance.now() - started });
  evaluateInSteps(id, trained.evaluation);
};
