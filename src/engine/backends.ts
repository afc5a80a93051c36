/**
 * The tfjs backends, for the backbones stored as TF.js models (the evaluation-only ones): which can
 * run here, and making one active. LiteRT's backbones pick their accelerator per model (./litert).
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
// Vite copies the binaries into the build and gives back their same-origin URLs.
import wasmPlainUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import type { BackendName } from './protocol';

setWasmPaths({
  'tfjs-backend-wasm.wasm': wasmPlainUrl,
  'tfjs-backend-wasm-simd.wasm': wasmSimdUrl,
  'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedUrl,
});

/** Why a backend cannot run in this browser, or undefined when it might. */
export async function unavailableReason(backend: BackendName): Promise<string | undefined> {
  if (backend === 'webgpu') {
    const gpu = (navigator as Navigator & { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
    if (!gpu) return 'WebGPU is not offered by this browser';
    return (await gpu.requestAdapter()) ? undefined : 'no WebGPU adapter';
  }
  if (backend === 'webgl') {
    return new OffscreenCanvas(1, 1).getContext('webgl2') ? undefined : 'WebGL 2 is not available';
  }
  return undefined;
}

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
