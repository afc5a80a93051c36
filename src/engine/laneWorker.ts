/// <reference lib="webworker" />
/**
 * The second model lane's side (see ./lane): a second instance of the engine worker's own script,
 * named LANE_WORKER_NAME, serves this instead of the page's protocol. It loads LiteRT (its own
 * runtime: one per worker) and the engine's feature configuration on it, then runs the batches the
 * engine worker hands over. The same script rather than a worker of its own, so the build holds
 * no second copy of the engine's code (nor of TF.js, which the engine may load).
 */
import { featuresById } from './backbones';
import { loadExtractor, type FeatureExtractor } from './extractor';
import type { LaneAnswer, LaneRequest } from './lane';
import { askModelThreads } from './litert';
import { takeStageTimes } from './stages';

declare const self: DedicatedWorkerGlobalScope;

let extractor: Promise<FeatureExtractor> | undefined;

function answer(message: LaneAnswer, transfer: Transferable[] = []): void {
  self.postMessage(message, transfer);
}

export function serveLane(): void {
  self.onmessage = ({ data: request }: MessageEvent<LaneRequest>) => void handle(request);
}

async function handle(request: LaneRequest): Promise<void> {
  if (request.type === 'load') {
    askModelThreads(request.threads);
    extractor = loadExtractor(featuresById(request.featuresId), new Map(request.files), 'wasm');
    try {
      await extractor;
      answer({ type: 'loaded' });
    } catch (error) {
      answer({ type: 'failed', message: (error as Error).message });
    }
    return;
  }
  try {
    if (!extractor) throw new Error('the lane was asked to run before it was loaded');
    const features = await (await extractor).run(request.photos, request.guesses);
    answer({ type: 'ran', job: request.job, features, stages: takeStageTimes() }, [
      ...new Set(features.map(({ embedding }) => embedding.buffer as ArrayBuffer)),
    ]);
  } catch (error) {
    answer({ type: 'failed', job: request.job, message: (error as Error).message });
  }
}
