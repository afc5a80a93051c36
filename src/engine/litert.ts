/**
 * LiteRT.js (Google's TFLite runtime compiled to WASM with XNNPACK, plus a WebGPU accelerator),
 * loaded once per worker. Its binaries are served by the app's own origin (Vite copies them into
 * the build, and the service worker precaches them like every other file).
 *
 * - Threads: the threaded build runs XNNPACK on every core. It needs SharedArrayBuffer (the app is
 *   cross-origin isolated) and relaxed SIMD; browsers without either get the single-threaded
 *   "compat" build, which runs the same models more slowly.
 * - LiteRT.js loads its Emscripten glue with importScripts, which a module worker does not have;
 *   the glue is a classic script, so it is fetched and run in the worker's global scope here
 *   instead. Its pthreads are classic workers started from the same script's URL.
 */
import { loadAndCompile, loadLiteRt, supportsFeature, Tensor, type CompiledModel } from '@litertjs/core';
import compatScriptUrl from '@litertjs/core/wasm/litert_wasm_compat_internal.js?url';
import compatBinaryUrl from '@litertjs/core/wasm/litert_wasm_compat_internal.wasm?url';
import threadedScriptUrl from '@litertjs/core/wasm/litert_wasm_threaded_internal.js?url';
import threadedBinaryUrl from '@litertjs/core/wasm/litert_wasm_threaded_internal.wasm?url';

export type LiteRtAccelerator = 'wasm' | 'webgpu';

export interface LiteRtRuntime {
  /** Threads a model can run on: every core with the threaded build, 1 without. */
  maxThreads: number;
}

let loading: Promise<LiteRtRuntime> | undefined;
let threadsAsked: number | undefined;

/**
 * The threads each model compiled from now on runs on; undefined for the default, every core (the
 * engine's decoding thread shares them). `npm run bench` compares leaving one core to decoding.
 */
export function askModelThreads(threads: number | undefined): void {
  threadsAsked = threads;
}

export function modelThreads({ maxThreads }: LiteRtRuntime): number {
  return Math.min(maxThreads, threadsAsked ?? maxThreads);
}

/** 'threads (2)', 'single thread': for the details panel and the benchmark. */
export function describeRuntime(runtime: LiteRtRuntime): string {
  return runtime.maxThreads === 1 ? 'single thread' : `threads (${modelThreads(runtime)})`;
}

async function canUseThreads(): Promise<boolean> {
  if (!self.crossOriginIsolated || typeof SharedArrayBuffer === 'undefined') return false;
  try {
    return (await supportsFeature('relaxedSimd')) && (await supportsFeature('threads'));
  } catch {
    return false;
  }
}

async function load(): Promise<LiteRtRuntime> {
  const threaded = await canUseThreads();
  const scriptUrl = new URL(threaded ? threadedScriptUrl : compatScriptUrl, self.location.href).href;
  const binaryUrl = new URL(threaded ? threadedBinaryUrl : compatBinaryUrl, self.location.href).href;
  // The binary downloads and compiles beside the glue script instead of after it has been fetched
  // and run; Emscripten's instantiateWasm hook below then only instantiates it. Compiled as it
  // streams in, unless the server's MIME type is not application/wasm.
  const compiling = WebAssembly.compileStreaming(fetch(binaryUrl, { credentials: 'same-origin' })).catch(async (error: unknown) => {
    console.warn('LiteRT runtime: streaming compile failed, compiling the downloaded binary instead', error);
    const binary = await fetch(binaryUrl, { credentials: 'same-origin' });
    if (!binary.ok) throw new Error(`${binary.status} for ${binaryUrl}`);
    return WebAssembly.compile(await binary.arrayBuffer());
  });
  // A failure is reported through instantiateWasm below, if the load gets that far.
  compiling.catch(() => {});
  // Emscripten waits for instantiateWasm's callback without an error path: a failure ends the load here.
  let instantiationFailed: (error: unknown) => void = () => {};
  const instantiation = new Promise<never>((_, reject) => (instantiationFailed = reject));
  const response = await fetch(scriptUrl);
  if (!response.ok) throw new Error(`the LiteRT runtime could not be loaded (${response.status} for ${scriptUrl})`);
  // Run as a classic script in the global scope (indirect eval), then handed to LiteRT.js' loader.
  const glue = `${await response.text()}\n;self.ModuleFactory = ModuleFactory;`;
  const scope = self as unknown as { importScripts: (url: string) => void; Module?: object };
  const ownImportScripts = Object.getOwnPropertyDescriptor(scope, 'importScripts');
  scope.importScripts = () => (0, eval)(glue);
  // Emscripten's settings: where the binary is, and which script each pthread worker starts from.
  scope.Module = {
    locateFile: () => binaryUrl,
    mainScriptUrlOrBlob: scriptUrl,
    instantiateWasm: (imports: WebAssembly.Imports, receive: (instance: WebAssembly.Instance, module: WebAssembly.Module) => void) => {
      compiling.then(async (module) => receive(await WebAssembly.instantiate(module, imports), module)).catch(instantiationFailed);
      return {};
    },
  };
  try {
    await Promise.race([loadLiteRt(scriptUrl), instantiation]);
  } finally {
    if (ownImportScripts) Object.defineProperty(scope, 'importScripts', ownImportScripts);
    else delete (scope as { importScripts?: unknown }).importScripts;
  }
  return { maxThreads: threaded ? navigator.hardwareConcurrency : 1 };
}

/** Loads the runtime the first time it is needed; later calls share that load (LiteRT.js allows one per worker). */
export function liteRt(): Promise<LiteRtRuntime> {
  loading ??= load().catch((error: unknown) => {
    // A failed load is final for this worker; say why each time it is asked for.
    throw new Error(`LiteRT could not start: ${(error as Error).message}`);
  });
  return loading;
}

interface Adapter {
  info?: { isFallbackAdapter?: boolean };
}

/**
 * Why LiteRT's WebGPU accelerator cannot run here, or undefined when it might. With `gpuOnly`, a
 * software adapter (SwiftShader, which emulates a GPU on the processor the WASM runtime already
 * uses) counts as none: the automatic choice never measures it.
 */
export async function webGpuUnavailableReason(gpuOnly = false): Promise<string | undefined> {
  const gpu = (navigator as Navigator & { gpu?: { requestAdapter(): Promise<Adapter | null> } }).gpu;
  if (!gpu) return 'WebGPU is not offered by this browser';
  const adapter = await gpu.requestAdapter();
  if (!adapter) return 'no WebGPU adapter';
  return gpuOnly && adapter.info?.isFallbackAdapter ? 'no graphics card (only a software WebGPU adapter)' : undefined;
}

export interface TfliteModel {
  /** Runs one input (float32, the model's input shape) and returns a copy of each declared output. */
  run(input: Float32Array): Promise<Float32Array[]>;
  inputShape: number[];
  outputShapes: number[][];
  dispose(): void;
}

/** Compiles a .tflite model for an accelerator; the model's float32 inputs and outputs are used as they are. */
export async function compileTflite(bytes: Uint8Array, accelerator: LiteRtAccelerator): Promise<TfliteModel> {
  const runtime = await liteRt();
  if (accelerator === 'webgpu') {
    const reason = await webGpuUnavailableReason();
    if (reason) throw new Error(reason);
  }
  // LiteRT keeps a reference to the bytes it compiles, so each compile gets its own copy.
  const model: CompiledModel = await loadAndCompile(bytes.slice(), {
    accelerator,
    cpuOptions: { numThreads: modelThreads(runtime) },
  });
  const [inputDetails] = model.getInputDetails();
  const inputShape = Array.from(inputDetails.shape);
  const outputShapes = model.getOutputDetails().map((detail) => Array.from(detail.shape));
  for (const detail of [inputDetails, ...model.getOutputDetails()]) {
    if (detail.dtype !== 'float32') {
      model.delete();
      throw new Error(`the model's tensor "${detail.name}" is ${detail.dtype}, the engine passes float32 only`);
    }
  }

  async function run(input: Float32Array): Promise<Float32Array[]> {
    const inputTensor = new Tensor(input, inputShape);
    let outputs: Tensor[] = [];
    try {
      outputs = await model.run(inputTensor);
      const onCpu = await Promise.all(outputs.map((tensor) => (tensor.accelerator === 'wasm' ? tensor : tensor.copyTo('wasm'))));
      try {
        return onCpu.map((tensor) => Float32Array.from(tensor.toTypedArray() as Float32Array));
      } finally {
        onCpu.forEach((tensor, i) => tensor !== outputs[i] && tensor.delete());
      }
    } finally {
      inputTensor.delete();
      outputs.forEach((tensor) => tensor.delete());
    }
  }

  return { run, inputShape, outputShapes, dispose: () => model.delete() };
}
