/**
 * Everything the engine does with TF.js: the earlier backbones (TF.js layers models, kept for
 * older classifier files and the evaluation) and the tfjs backends they run on. The engine worker
 * imports this module only when such a model is asked for, so starting the 8-bit LiteRT models
 * does not wait for megabytes of TF.js script to load.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
// Vite copies the binaries into the build and gives back their same-origin URLs.
import wasmPlainUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { unavailableReason } from './backends';
import type { BackboneFiles, BackboneOutputs, LoadedBackbone } from './backbone';
import type { BackboneSpec } from './backbones';
import type { BackendName } from './protocol';

setWasmPaths({
  'tfjs-backend-wasm.wasm': wasmPlainUrl,
  'tfjs-backend-wasm-simd.wasm': wasmSimdUrl,
  'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedUrl,
});

/** Makes `backend` the active one; throws with the reason when it cannot start. */
export async function activate(backend: BackendName): Promise<void> {
  const reason = await unavailableReason(backend);
  if (reason) throw new Error(reason);
  if (!(await tf.setBackend(backend))) throw new Error(`the ${backend} backend failed to start`);
  await tf.ready();
}

export function wasmFeatures(): string {
  if (tf.getBackend() !== 'wasm') return '';
  const threads = tf.env().getBool('WASM_HAS_MULTITHREAD_SUPPORT') ? 'threads' : 'single thread';
  const simd = tf.env().getBool('WASM_HAS_SIMD_SUPPORT') ? 'SIMD' : 'no SIMD';
  return `${simd}, ${threads}`;
}

/** TF.js's live tensors and the active backend ('none' before one has started). */
export function tensorMemory(): { numTensors: number; numBytes: number; backend: string } {
  const backend = tf.engine().backendName;
  if (!backend) return { numTensors: 0, numBytes: 0, backend: 'none' };
  const { numTensors, numBytes } = tf.memory();
  return { numTensors, numBytes, backend };
}

export async function fetchLayersArtifacts(modelUrl: string): Promise<tf.io.ModelArtifacts> {
  // http() always implements load(); the interface only marks it optional for save-only handlers.
  return tf.io.http(modelUrl).load!();
}

/** A TF.js layers backbone on the active tfjs backend: one forward pass gives the embedding and the ImageNet probabilities. */
export async function loadLayersBackbone(
  spec: BackboneSpec,
  files: Extract<BackboneFiles, { format: 'tfjs-layers' }>,
): Promise<LoadedBackbone> {
  const model = await tf.loadLayersModel(tf.io.fromMemory(files.artifacts));
  const embedding = spec.embeddingLayer ? (model.getLayer(spec.embeddingLayer).output as tf.SymbolicTensor) : model.outputs[0];
  const classes = model.outputs[0].shape.at(-1);
  if (spec.embeddingLayer && classes !== files.labels.length) {
    model.dispose();
    throw new Error(`${spec.title} has ${classes} outputs but ${files.labels.length} labels`);
  }
  // One forward pass for both outputs; a model without a classifier has the embedding only.
  const outputs = spec.embeddingLayer ? [embedding, model.outputs[0]] : [embedding];
  const extractor = tf.model({ inputs: model.inputs, outputs });
  const size = spec.inputSize;

  async function run(input: Float32Array, count: number): Promise<BackboneOutputs> {
    const results = tf.tidy(() => {
      const predicted = extractor.predict(tf.tensor4d(input, [count, size, size, 3]));
      return Array.isArray(predicted) ? predicted : [predicted];
    });
    try {
      const [flatEmbeddings, flatProbabilities] = await Promise.all(results.map((tensor) => tensor.data()));
      const split = (flat: tf.TypedArray | undefined, width: number) =>
        Array.from({ length: count }, (_, i) => Float32Array.from(flat?.subarray(i * width, (i + 1) * width) ?? []));
      return {
        embeddings: split(flatEmbeddings, spec.embeddingSize),
        probabilities: split(flatProbabilities, files.labels.length),
      };
    } finally {
      results.forEach((tensor) => tensor.dispose());
    }
  }

  return { spec, labels: files.labels, run, dispose: () => model.dispose() };
}
