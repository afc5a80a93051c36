/** The page-side entry to the engine: everything outside src/engine/ imports from here. */
import { EngineClient } from './client';

export { EngineClient, EngineCrashedError, type EmbedResult, type EngineConfig } from './client';
export type { BackendChoice, BackendMeasurement, BackendName, EngineReady, Guess } from './protocol';
export { backendNames } from './protocol';
export {
  backbones,
  backboneById,
  featureIds,
  featuresById,
  defaultFeaturesId,
  mobilenetV1,
  mobilenetV2,
  type BackboneSpec,
  type FeatureConfig,
} from './backbones';

export function createEngine(onRestart?: (error: Error) => void): EngineClient {
  return new EngineClient(() => new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name: 'handful-engine' }), onRestart);
}
