/**
 * Every embedding request the app makes goes through here and is counted on
 * `window.__handfulPhotosEmbedded` (number of photos sent to the model). The end-to-end tests read it
 * to check that reopening a project runs the model on nothing; nothing in the app reads it.
 */
import type { EngineClient } from '../engine';

declare global {
  interface Window {
    __handfulPhotosEmbedded?: number;
  }
}

export function embedCounted(engine: EngineClient, images: (Blob | ImageBitmap)[], options: Parameters<EngineClient['embed']>[1]): ReturnType<EngineClient['embed']> {
  window.__handfulPhotosEmbedded = (window.__handfulPhotosEmbedded ?? 0) + images.length;
  return engine.embed(images, options);
}
