/** The page-side entry to the engine: everything outside src/engine/ imports from here. */
import { EngineClient } from './client';
import type { WorkerFault } from './restarts';

export { EngineClient, EngineCrashedError, EngineStoppedError, type EmbedResult, type EngineConfig } from './client';
export { RestartBudget, defaultRestartPolicy, type RestartPolicy, type WorkerFault } from './restarts';
export type { BackendChoice, BackendMeasurement, BackendName, EngineMeasured, EngineReady, Guess, PhotoCopies } from './protocol';
export { makeCopies, openBitmap, STORED_LONGEST_SIDE, THUMBNAIL_SIDE } from './decode';
export { backendNames } from './protocol';
export {
  backbones,
  backboneById,
  backendsFor,
  featureIds,
  currentFeaturesId,
  featuresById,
  defaultFeaturesId,
  mobilenetV1,
  mobilenetV2,
  type BackboneSpec,
  type FeatureConfig,
} from './backbones';

/** `onFault` hears of the worker's crashes and restarts (see ./restarts), for the status line. */
export function createEngine(onFault?: (fault: WorkerFault) => void): EngineClient {
  return new EngineClient(() => new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name: 'handful-engine' }), onFault);
}
