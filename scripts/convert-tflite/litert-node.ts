/**
 * Runs LiteRT.js (@litertjs/core, the runtime the app uses in the browser) in Node, for checking the
 * generated .tflite files with the real runtime. Its loader expects a page or a worker: it runs the
 * Emscripten glue with importScripts (or a <script> tag), which then, seeing Node, reads the .wasm
 * with require('node:fs') relative to __dirname. Those three are provided here; nothing else is faked.
 * Node has no relaxed SIMD by default, so this loads the runtime's "compat" build: same kernels
 * (XNNPACK), so the same results up to float rounding, but not the browser's speed. Loading logs
 * "Failed to create default WebGPU device" (Node has no navigator.gpu): expected, the wasm
 * accelerator is used.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runInThisContext } from 'node:vm';
import type * as LiteRt from '@litertjs/core';

const require = createRequire(import.meta.url);

let loading: Promise<typeof LiteRt> | undefined;

/** Loads LiteRT.js once per process (the runtime allows one load per page) and returns its module. */
export function loadLiteRtInNode(): Promise<typeof LiteRt> {
  loading ??= (async () => {
    const wasmDir = join(dirname(require.resolve('@litertjs/core')), '..', 'wasm');
    const scope = globalThis as Record<string, unknown>;
    scope.self ??= globalThis;
    scope.require ??= require;
    scope.__dirname ??= wasmDir;
    scope.importScripts ??= (url: string) => {
      const path = url.startsWith('file:') ? fileURLToPath(url) : url;
      runInThisContext(readFileSync(path, 'utf8'), { filename: path });
    };
    const litert = await import('@litertjs/core');
    await litert.loadLiteRt(`${wasmDir}/`);
    return litert;
  })();
  return loading;
}

/** Runs a single-input, single-output float32 model on one input and returns its output. */
export async function runFloatModel(model: LiteRt.CompiledModel, input: Float32Array, shape: number[]): Promise<Float32Array> {
  const litert = await loadLiteRtInNode();
  const tensor = new litert.Tensor(input, shape);
  try {
    const outputs = await model.run(tensor);
    try {
      if (outputs.length !== 1) throw new Error(`expected one output, got ${outputs.length}`);
      return (outputs[0].toTypedArray() as Float32Array).slice();
    } finally {
      for (const output of outputs) output.delete();
    }
  } finally {
    tensor.delete();
  }
}
