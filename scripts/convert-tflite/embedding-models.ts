/**
 * The embedding .tflite files the setup step installs for LiteRT.js, each made from verified inputs by a
 * pure function, so the tests check exactly the bytes the app downloads. Input and output specs are in
 * README.md beside this file (and in each file's description).
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { classifierAfterGlobalPool, cutAtGlobalPool } from './embedding.ts';
import { floatEmbeddingModel, foldMobilenetV1, int8ClassifierModel, int8EmbeddingModel, type Calibration } from './mobilenet-v1.ts';
import { writeTflite } from './tflite-writer.ts';

/** Activation ranges and channel means of the float V1 on real photos, written by calibrate-v1.ts. */
export const V1_CALIBRATION_FILE = join(dirname(fileURLToPath(import.meta.url)), 'mobilenet_v1_calibration.json');

export const V2_INT8_DESCRIPTION =
  'Handful: MobileNet V2 1.0 224 int8 (Google tf2 post-training quantized) cut at the global average pool. ' +
  'Input float32 [1,224,224,3] RGB, (p - 127) / 127.5; output float32 [1,1280].';

export const V2_INT8_CLASSIFIER_DESCRIPTION =
  'Handful: the ImageNet classifier of MobileNet V2 1.0 224 int8 (Google tf2 post-training quantized) after its global average pool. ' +
  'Input float32 [1,1,1,1280], the embedding; output float32 [1,1001] probabilities, 0 = background.';

export const V1_FLOAT_DESCRIPTION =
  'Handful: MobileNet V1 0.75 224 (Keras ImageNet weights), float32, batch norm folded, cut at the global average pool. ' +
  'Input float32 [1,224,224,3] RGB, p / 127.5 - 1; output float32 [1,768].';

export const V1_INT8_DESCRIPTION =
  'Handful: MobileNet V1 0.75 224 (Keras ImageNet weights), int8 per-channel weights with bias correction, ' +
  'int8 activations calibrated on photos, cut at the global average pool. ' +
  'Input float32 [1,224,224,3] RGB, (p - 127) / 127.5; output float32 [1,768].';

/** From Google's tf2_mobilenet_v2_1.0_224_ptq.tflite. */
export function v2Int8Embedding(ptq: Uint8Array): Uint8Array {
  return cutAtGlobalPool(ptq, V2_INT8_DESCRIPTION).tflite;
}

export const V1_INT8_CLASSIFIER_DESCRIPTION =
  'Handful: the ImageNet classifier of MobileNet V1 0.75 224 (Keras conv_preds), int8 per-class weights, float32 arithmetic. ' +
  'Input float32 [1,1,1,768], the embedding; output float32 [1,1000] probabilities.';

/** From the TF.js V1 0.75 files: its classifier layer with 8-bit weights, for either V1 embedding. */
export function v1Int8Classifier(files: Map<string, Uint8Array>): Uint8Array {
  return writeTflite(int8ClassifierModel(files, V1_INT8_CLASSIFIER_DESCRIPTION));
}

/** From Google's tf2_mobilenet_v2_1.0_224_ptq.tflite: its own int8 classifier layer, for the embedding above. */
export function v2Int8Classifier(ptq: Uint8Array): Uint8Array {
  return classifierAfterGlobalPool(ptq, V2_INT8_CLASSIFIER_DESCRIPTION).tflite;
}

/** From the TF.js V1 0.75 files (model.json and its weight files, by name). */
export function v1FloatEmbedding(files: Map<string, Uint8Array>): Uint8Array {
  return writeTflite(floatEmbeddingModel(foldMobilenetV1(files), V1_FLOAT_DESCRIPTION));
}

/** From the TF.js V1 0.75 files and the committed calibration. */
export function v1Int8Embedding(files: Map<string, Uint8Array>): Uint8Array {
  const calibration: Calibration = JSON.parse(readFileSync(V1_CALIBRATION_FILE, 'utf8'));
  return writeTflite(int8EmbeddingModel(foldMobilenetV1(files), calibration, V1_INT8_DESCRIPTION));
}
