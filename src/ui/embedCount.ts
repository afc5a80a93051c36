/**
 * Every embedding request the app makes goes through here and is counted on
 * `window.__handfulPhotosEmbedded` (number of photos sent to the model). The end-to-end tests read it
 * to check that reopening a project runs the model on nothing; nothing in the app reads it.
 * Batches are also timed here, for the speed the photo-features choice quotes (takeSpeed).
 */
import type { EngineClient } from '../engine';
import { engineBatchSize } from './useEngine';

declare global {
  interface Window {
    __handfulPhotosEmbedded?: number;
  }
}

export function embedCounted(
  engine: EngineClient,
  images: (Blob | ImageBitmap)[],
  options: Parameters<EngineClient['embed']>[1],
): ReturnType<EngineClient['embed']> {
  window.__handfulPhotosEmbedded = (window.__handfulPhotosEmbedded ?? 0) + images.length;
  const featuresId = engine.featuresId;
  // Single photos (Try it) are timed alone, not in batches: they would understate the speed.
  if (images.length < 2 || !featuresId || !options) return engine.embed(images, options);
  let cold: boolean | undefined;
  return engine.embed(images, {
    ...options,
    onResult: (result) => {
      const backend = engine.backend;
      if (!('problem' in result) && backend && backend !== 'auto') {
        // The first batch after the engine starts on these features also prepares the model
        // (several times slower): it is not timed.
        const key = tallyKey(featuresId, backend);
        cold ??= warmed.get(engine) !== key;
        warmed.set(engine, key);
        if (!cold || result.index >= engineBatchSize) tally(featuresId, backend, result.ms);
      }
      options.onResult?.(result);
    },
  });
}

/** What each engine last embedded with, so the first batch after a change is known. */
const warmed = new WeakMap<EngineClient, string>();

/**
 * The engine's own time per photo (decode and model, as each result reports it), summed by
 * feature configuration and backend: photos per second without start-up or page-side work.
 */
const tallies = new Map<string, { photos: number; ms: number }>();
const tallyKey = (featuresId: string, backend: string) => `${featuresId} on ${backend}`;

function tally(featuresId: string, backend: string, ms: number): void {
  const key = tallyKey(featuresId, backend);
  const sum = tallies.get(key) ?? { photos: 0, ms: 0 };
  tallies.set(key, { photos: sum.photos + 1, ms: sum.ms + ms });
}

/** Photos per second over the photos timed since the last call (then forgotten), if at least `minPhotos`. */
export function takeSpeed(featuresId: string, backend: string, minPhotos: number): number | undefined {
  const key = tallyKey(featuresId, backend);
  const sum = tallies.get(key);
  if (!sum || sum.photos < minPhotos || sum.ms <= 0) return undefined;
  tallies.delete(key);
  return (sum.photos * 1000) / sum.ms;
}
