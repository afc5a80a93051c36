/// <reference lib="webworker" />
/**
 * Trains the head and cross-validates it off the page's thread: evaluation refits the head once
 * per photo (up to 50 photos) and would otherwise freeze typing and scrolling for a moment.
 */
import type { TrainRequest, TrainResponse } from './protocol';
import { trainHead } from './trainHead';

declare const self: DedicatedWorkerGlobalScope;

self.onmessage = (event: MessageEvent<TrainRequest>) => {
  const { id, data, previous } = event.data;
  const started = performance.now();
  let response: TrainResponse;
  try {
    const { model, evaluation } = trainHead(data, previous);
    response = { id, type: 'trained', model, evaluation, ms: performance.now() - started };
  } catch (error) {
    response = { id, type: 'failed', message: (error as Error).message };
  }
  self.postMessage(response);
};
