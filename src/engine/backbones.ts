/**
 * The backbones the engine can load. Weights live under public/models/ (put there by
 * `npm run setup`), so everything is served by the app's own origin.
 */

/** Pixel value v in 0..255 becomes v / divisor - 1, the range each network was trained on. */
export interface Scaling {
  divisor: number;
}

export interface BackboneSpec {
  id: string;
  /** What a person sees in settings. */
  title: string;
  modelUrl: string;
  /** ImageNet class names, index i = output i; undefined when the model has no classifier. */
  labelsUrl: string;
  /** Layer whose output is the embedding (a global average pool). */
  embeddingLayer: string;
  embeddingSize: number;
  inputSize: number;
  scaling: Scaling;
}

const base = import.meta.env.BASE_URL;

export const mobilenetV1: BackboneSpec = {
  id: 'v1-0.75',
  title: 'MobileNet V1 0.75 (fast)',
  modelUrl: `${base}models/mobilenet_v1_0.75_224/model.json`,
  labelsUrl: `${base}models/mobilenet_v1_0.75_224/metadata.json`,
  embeddingLayer: 'global_average_pooling2d_1',
  embeddingSize: 768,
  inputSize: 224,
  scaling: { divisor: 127.5 },
};

export const backbones: readonly BackboneSpec[] = [mobilenetV1];

export function backboneById(id: string): BackboneSpec {
  const spec = backbones.find((candidate) => candidate.id === id);
  if (!spec) throw new Error(`unknown backbone "${id}"`);
  return spec;
}
