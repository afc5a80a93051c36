/**
 * Runs a feature configuration: one or more backbones on the same decoded photos, optionally on
 * their mirror images too, composed into one embedding per photo (see FeatureConfig).
 */
import { loadBackbone, topGuesses, type BackboneFiles, type BackboneOutputs, type LoadedBackbone } from './backbone';
import type { FeatureConfig } from './backbones';
import { composeFeatures } from './features';
import { mirrorRgba, toModelInput } from './preprocess';
import type { BackendName, Guess } from './protocol';
import { timed } from './stages';

export interface Features {
  embedding: Float32Array;
  guesses: Guess[];
}

export interface FeatureExtractor {
  config: FeatureConfig;
  /** Each photo is config.inputSize square RGBA; one result per photo, in order. */
  run(photos: Uint8ClampedArray[], guesses: number): Promise<Features[]>;
  dispose(): void;
}

/** Loads every backbone of the configuration on `backend` (for TF.js models: the active tfjs backend). */
export async function loadExtractor(
  config: FeatureConfig,
  filesById: ReadonlyMap<string, BackboneFiles>,
  backend: BackendName,
): Promise<FeatureExtractor> {
  const models: LoadedBackbone[] = [];
  try {
    for (const spec of config.backbones) models.push(await loadBackbone(spec, filesById.get(spec.id)!, backend));
  } catch (error) {
    models.forEach((model) => model.dispose());
    throw error;
  }
  const size = config.inputSize;
  const pixels = size * size * 3;
  const viewCount = config.flip ? 2 : 1;

  async function run(photos: Uint8ClampedArray[], guesses: number): Promise<Features[]> {
    // Views of photo i sit at i * viewCount + v: the photo (v = 0), then its mirror.
    const views = photos.flatMap((rgba) => (config.flip ? [rgba, mirrorRgba(rgba, size)] : [rgba]));
    const outputs: BackboneOutputs[] = [];
    // Backbones that scale pixels alike (both 8-bit ones) share one input.
    const inputs = new Map<string, Float32Array>();
    for (const [b, model] of models.entries()) {
      const { scaling } = model.spec;
      const key = `${scaling.divisor}/${scaling.zeroPoint ?? scaling.divisor}`;
      const input =
        inputs.get(key) ??
        (await timed('model input', () => {
          const input = new Float32Array(views.length * pixels);
          views.forEach((rgba, i) => toModelInput(rgba, scaling, input, i * pixels));
          inputs.set(key, input);
          return input;
        }));
      // Guesses come from the first backbone only.
      outputs.push(await timed(model.spec.id, () => model.run(input, views.length, b === 0 && guesses > 0)));
    }
    const [first] = models;
    return photos.map((_, i) => ({
      embedding: composeFeatures(outputs.map((output) => output.embeddings.slice(i * viewCount, (i + 1) * viewCount))),
      guesses: topGuesses(outputs[0].probabilities[i * viewCount], first.labels, guesses, first.spec.backgroundClass),
    }));
  }

  return { config, run, dispose: () => models.forEach((model) => model.dispose()) };
}
