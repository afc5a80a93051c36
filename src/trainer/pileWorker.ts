/// <reference lib="webworker" />
/**
 * The pile worker (see ./pileProtocol): keeps the embeddings of the open project's photos and
 * recomputes only what changed. It runs beside the training worker, so sketching a large pile never
 * delays the next fit while someone answers the review queue.
 */
import { predictBatch } from '../head';
import { photoMap, pileSketch } from '../pile';
import type { PileRequest, PileResponse } from './pileProtocol';

declare const self: DedicatedWorkerGlobalScope;

const embeddings = new Map<string, Float32Array>();
let suggestedFor = '';
let sketchedHashes = new Set<string>();
let mappedFor = '';

self.onmessage = (event: MessageEvent<PileRequest>) => {
  const request = event.data;
  const response: PileResponse = { id: request.id };
  try {
    if (request.fresh) {
      embeddings.clear();
      suggestedFor = '';
      sketchedHashes = new Set();
      mappedFor = '';
    }
    for (const [hash, embedding] of request.embeddings) embeddings.set(hash, embedding);
    const wanted = new Set([...request.pile, ...request.classPhotos]);
    for (const hash of embeddings.keys()) if (!wanted.has(hash)) embeddings.delete(hash);
    const pile = request.pile.filter((hash) => embeddings.has(hash));
    const vectors = (hashes: string[]) => hashes.map((hash) => embeddings.get(hash)!);

    const pileKey = pile.join();
    if (request.head && `${request.head.signature}|${pileKey}` !== suggestedFor) {
      suggestedFor = `${request.head.signature}|${pileKey}`;
      response.suggestions = {
        signature: request.head.signature,
        hashes: pile,
        probabilities: predictBatch(request.head.model, vectors(pile)),
      };
    }
    // Photos leaving the pile need no new sketch (the queue skips them); photos joining it do.
    if (request.sketch && pile.some((hash) => !sketchedHashes.has(hash))) {
      sketchedHashes = new Set(pile);
      response.sketch = { hashes: pile, sketch: pileSketch(vectors(pile)) };
    }
    if (request.map) {
      const hashes = [...request.classPhotos.filter((hash) => embeddings.has(hash)), ...pile];
      const key = [...hashes].sort().join();
      if (key !== mappedFor) {
        mappedFor = key;
        response.map = { hashes, positions: photoMap(vectors(hashes)) };
      }
    }
  } catch (error) {
    response.problem = (error as Error).message;
  }
  self.postMessage(response);
};
