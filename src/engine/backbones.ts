/**
 * The backbones the engine can load, and the feature configurations built from them. Weights live
 * under public/models/ (put there by `npm run setup`), so everything is served by the app's own origin.
 */
import { backendNames, type BackendName } from './protocol';

/**
 * Pixel value v in 0..255 becomes (v - zeroPoint) / divisor (zeroPoint defaults to divisor, i.e.
 * v / divisor - 1), the range each network was trained on.
 */
export interface Scaling {
  divisor: number;
  zeroPoint?: number;
}

/**
 * How a backbone's weights are stored and run: a TF.js layers model (model.json + shards) on a
 * tfjs backend, or a .tflite file on LiteRT.js (its WASM runtime or its WebGPU accelerator).
 */
export type BackboneFormat = 'tfjs-layers' | 'tflite';

/** The backends each format runs on: LiteRT.js has a WASM runtime and a WebGPU accelerator. */
export function formatRunsOn(format: BackboneFormat, backend: BackendName): boolean {
  return format === 'tfjs-layers' || backend === 'wasm' || backend === 'webgpu';
}

/** The backends a feature configuration can be asked to run on (whether this browser has them or not). */
export function backendsFor(featuresId: string): BackendName[] {
  const { backbones } = featuresById(featuresId);
  return backendNames.filter((backend) => backbones.every((spec) => formatRunsOn(spec.format, backend)));
}

export interface BackboneSpec {
  id: string;
  format: BackboneFormat;
  /** What a person sees in settings. */
  title: string;
  /** Folder under public/models/; its files are listed in scripts/setup/<weightsDir>.sha256. */
  weightsDir: string;
  /**
   * sha256 of scripts/setup/<weightsDir>.sha256, so it names the exact weights (e.g. to key cached
   * embeddings). A unit test keeps it in step with the manifest.
   */
  weightsManifestSha256: string;
  /** model.json (tfjs-layers) or the .tflite file. */
  modelUrl: string;
  /** Bytes of the weights a first visit downloads for this backbone (the files modelUrl names). */
  downloadBytes?: number;
  /**
   * metadata.json `{labels}`: ImageNet class names, index i = output i; absent for a model without
   * a classifier (a .tflite backbone's probabilities come from `classifier`).
   */
  labelsUrl?: string;
  /** Output index that means "none of these" (0, 'background', in the TFLite classifiers): never a guess. */
  backgroundClass?: number;
  /**
   * Where a .tflite backbone's ImageNet probabilities come from, since its file gives only the
   * embedding: a .tflite model from the embedding (float32 [1,1,1,inputs]) to the probabilities
   * (float32 [1,classes]), loaded apart from the backbone (see loadBackbone).
   */
  classifier?: { url: string; inputs: number; classes: number; bytes: number };
  /** Layer whose output is the embedding (a global average pool); absent when that is the model's output (always for .tflite). */
  embeddingLayer?: string;
  embeddingSize: number;
  inputSize: number;
  scaling: Scaling;
}

const base = import.meta.env.BASE_URL;
const files = (dir: string) => ({
  format: 'tfjs-layers' as const,
  weightsDir: dir,
  modelUrl: `${base}models/${dir}/model.json`,
  labelsUrl: `${base}models/${dir}/metadata.json`,
});

export const mobilenetV1: BackboneSpec = {
  id: 'v1-0.75',
  title: 'MobileNet V1 0.75 (fast)',
  ...files('mobilenet_v1_0.75_224'),
  weightsManifestSha256: '05406f8601cb12bd8ac783f5845b79492b05f60e4c44e28660c2917ad3498403',
  embeddingLayer: 'global_average_pooling2d_1',
  embeddingSize: 768,
  inputSize: 224,
  scaling: { divisor: 127.5 },
};

/** Google's quantization-aware-trained 8-bit TFLite model, converted to float32 by scripts/convert-tflite. */
export const mobilenetV2: BackboneSpec = {
  id: 'v2-1.0',
  title: 'MobileNet V2 1.0 (more accurate)',
  ...files('mobilenet_v2_1.0_224'),
  weightsManifestSha256: 'bee3d6b613b71119e248f43de937f5b2eae307106803923e0efe6d1672c0a2a4',
  backgroundClass: 0,
  embeddingLayer: 'global_average_pooling2d',
  embeddingSize: 1280,
  inputSize: 224,
  // The TFLite input is uint8 with scale 1/128 and zero point 128: (v - 128) / 128.
  scaling: { divisor: 128 },
};

const tflite = (dir: string, downloadBytes: number) => ({
  format: 'tflite' as const,
  weightsDir: dir,
  modelUrl: `${base}models/${dir}/embedding.tflite`,
  downloadBytes,
});

/**
 * Google's int8 post-training-quantized MobileNet V2 1.0, cut at its pooled features with float32
 * ends (scripts/convert-tflite/embedding.ts), run by LiteRT.js.
 */
export const mobilenetV2Int8: BackboneSpec = {
  id: 'v2-1.0-int8',
  title: 'MobileNet V2 1.0, 8-bit',
  ...tflite('mobilenet_v2_1.0_224_int8', 2736528),
  // Google's own int8 classifier layer after the pool (scripts/convert-tflite/embedding.ts).
  labelsUrl: `${base}models/mobilenet_v2_1.0_224_int8_classifier/metadata.json`,
  classifier: {
    url: `${base}models/mobilenet_v2_1.0_224_int8_classifier/classifier.tflite`,
    inputs: 1280,
    classes: 1001,
    bytes: 1311712,
  },
  backgroundClass: 0,
  weightsManifestSha256: '45ed74dac5e73b620c98d593b64a8fb0e580e006819b07a5023b902c03674594',
  embeddingSize: 1280,
  inputSize: 224,
  // The original uint8 input has scale 1/127.5 and zero point 127: (v - 127) / 127.5.
  scaling: { divisor: 127.5, zeroPoint: 127 },
};

/**
 * MobileNet V1 0.75's ImageNet classifier (conv_preds, 768 -> 1000) with 8-bit weights, made from the
 * TF.js model's files (scripts/convert-tflite/mobilenet-v1.ts): 0.8 MB instead of their 3.1 MB float layer.
 */
const mobilenetV1Classifier = {
  labelsUrl: `${base}models/mobilenet_v1_0.75_224_classifier/metadata.json`,
  classifier: { url: `${base}models/mobilenet_v1_0.75_224_classifier/classifier.tflite`, inputs: 768, classes: 1000, bytes: 785328 },
};

/**
 * MobileNet V1 0.75 with 8-bit weights and activations (per-channel int8, calibrated on photos,
 * scripts/convert-tflite/mobilenet-v1.ts), run by LiteRT.js; cosine ~0.998 to the float network.
 */
export const mobilenetV1Int8: BackboneSpec = {
  id: 'v1-0.75-int8',
  title: 'MobileNet V1 0.75, 8-bit',
  ...tflite('mobilenet_v1_0.75_224_int8', 2041600),
  ...mobilenetV1Classifier,
  weightsManifestSha256: 'de4f848ba57c55a243afacfe775fa2c9116635f25b42f4a13e4d2f63bd435d39',
  embeddingSize: 768,
  inputSize: 224,
  // As V2 8-bit's: the real values of a uint8 input with scale 1/127.5 and zero point 127.
  scaling: { divisor: 127.5, zeroPoint: 127 },
};

/**
 * The same network and weights as mobilenetV1 (the same embeddings, cosine 1.000000), as a float
 * .tflite run by LiteRT.js (scripts/convert-tflite/mobilenet-v1.ts); without the ImageNet classifier.
 */
export const mobilenetV1Float: BackboneSpec = {
  id: 'v1-0.75-f32',
  title: 'MobileNet V1 0.75',
  ...tflite('mobilenet_v1_0.75_224_float', 7241856),
  ...mobilenetV1Classifier,
  weightsManifestSha256: '7128ce39c12731afdb6a8313fff750f3bdcdeb6705be89ef6eb02a5cce6a90a0',
  embeddingSize: 768,
  inputSize: 224,
  scaling: { divisor: 127.5 },
};

/**
 * Teachable Machine's own frozen backbone, for comparing against Teachable Machine exactly in
 * `npm run eval`. Never the product's backbone: the setup step does not install it and the app
 * does not serve it; the evaluation harness serves it to the lab page from ../shared/models.
 */
export const teachableMachineBackbone: BackboneSpec = {
  id: 'tm-v2-0.35',
  title: "Teachable Machine's MobileNet V2 0.35 (evaluation only)",
  format: 'tfjs-layers',
  weightsDir: 'teachable_machine_mobilenet_v2_0.35_224',
  modelUrl: `${base}models/teachable_machine_mobilenet_v2_0.35_224/model.json`,
  weightsManifestSha256: '10c7713e0040640ced683ece0e0740d59cb23451cf8a38682d1480c1a65d73fd',
  embeddingSize: 1280,
  inputSize: 224,
  // Teachable Machine scales pixels as v / 127 - 1.
  scaling: { divisor: 127 },
};

/** Every backbone, today's and the earlier ones (kept for older projects' embeddings and for comparison in the evaluation). */
export const backbones: readonly BackboneSpec[] = [
  mobilenetV1,
  mobilenetV2,
  mobilenetV1Int8,
  mobilenetV2Int8,
  mobilenetV1Float,
  teachableMachineBackbone,
];

export function backboneById(id: string): BackboneSpec {
  const spec = backbones.find((candidate) => candidate.id === id);
  if (!spec) throw new Error(`unknown backbone "${id}"`);
  return spec;
}

/**
 * What the engine computes for each photo. Its id names it: backbone ids joined by '+', then
 * '+flip' for horizontal-flip averaging, e.g. 'v1-0.75', 'v2-1.0+flip', 'v1-0.75+v2-1.0'.
 *
 * - One backbone: its embedding as the network gives it (unnormalised).
 * - Several: each backbone's embedding L2-normalised, then concatenated in the order named, so
 *   neither dominates by scale and each part has length 1.
 * - flip: each backbone's embedding is the mean of the photo's and its mirror image's, taken
 *   before any normalisation.
 * ImageNet guesses come from the first backbone, on the photo as it is (never the mirror).
 */
export interface FeatureConfig {
  id: string;
  backbones: readonly BackboneSpec[];
  flip: boolean;
  /** Sum of the backbones' embedding sizes. */
  embeddingSize: number;
  /** Side of the square every photo is decoded to once; each backbone then scales it its own way. */
  inputSize: number;
}

const flipSuffix = 'flip';

/**
 * The three choices of models a person is offered ("Fast", "More accurate", "Both models"), each
 * also offered with '+flip'. A configuration's ImageNet guesses come from its first backbone.
 */
const fastModels = 'v1-0.75-int8';
const accurateModels = 'v2-1.0-int8';
const bothModels = `${fastModels}+${accurateModels}`;

/** What the app computes unless the user chooses otherwise; see BENCHMARKS.md for why. */
export const defaultFeaturesId = bothModels;

/** The configurations offered by name (settings, evaluation); featuresById also accepts other combinations. */
export const featureIds = [
  fastModels,
  accurateModels,
  bothModels,
  `${fastModels}+flip`,
  `${accurateModels}+flip`,
  `${bothModels}+flip`,
] as const;

/**
 * The choices the earlier engine offered (TF.js models; their embeddings differ from today's), and
 * today's same choice. Their ids still run (older classifier files, the evaluation); a project
 * made with one moves to its successor and its photos are looked at again from the stored copies.
 */
const replaced: Record<string, string> = { 'v1-0.75': fastModels, 'v2-1.0': accurateModels, 'v1-0.75+v2-1.0': bothModels };

/** The offered configuration a project with features `id` runs today: itself, its successor, or the default. */
export function currentFeaturesId(id: string): string {
  if ((featureIds as readonly string[]).includes(id)) return id;
  const flip = id.endsWith('+flip');
  const successor = replaced[flip ? id.slice(0, -'+flip'.length) : id];
  return successor ? `${successor}${flip ? '+flip' : ''}` : defaultFeaturesId;
}

export function featuresById(id: string): FeatureConfig {
  const parts = id.split('+');
  const flip = parts.at(-1) === flipSuffix;
  if (flip) parts.pop();
  if (parts.length === 0 || parts[0] === '') throw new Error(`feature configuration "${id}" names no backbone`);
  if (new Set(parts).size !== parts.length) throw new Error(`feature configuration "${id}" names a backbone twice`);
  const specs = parts.map((part) => {
    if (part === flipSuffix) throw new Error(`feature configuration "${id}": '+flip' goes last`);
    return backboneById(part);
  });
  // LiteRT picks an accelerator per model, tfjs one backend per worker: the two do not share a start.
  if (new Set(specs.map((spec) => spec.format)).size > 1) throw new Error(`feature configuration "${id}" mixes LiteRT and TF.js models`);
  const inputSize = Math.max(...specs.map((spec) => spec.inputSize));
  // One decode per photo serves every backbone only when they share a size; resizing per backbone
  // is not implemented because every backbone so far takes 224 x 224.
  if (specs.some((spec) => spec.inputSize !== inputSize)) {
    throw new Error(`feature configuration "${id}" mixes input sizes, which the engine does not support yet`);
  }
  return {
    id,
    backbones: specs,
    flip,
    embeddingSize: specs.reduce((sum, spec) => sum + spec.embeddingSize, 0),
    inputSize,
  };
}
