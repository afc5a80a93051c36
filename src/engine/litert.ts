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

/** How many backbones a feature configuration runs at once (both 8-bit ones, for the default). */
const BACKBONES_AT_ONCE = 2;

/**
 * The pthread workers the runtime starts with. Each model compiled with N threads keeps N - 1 of
 * them (its XNNPACK thread pool) until it is disposed of; Emscripten starts one per core, and a
 * thread asked for beyond those gets a worker made on demand, which cannot start while this thread
 * waits for it: that model then runs on fewer threads, and disposing of it waits for ever. So with
 * two backbones on every core of a 4-core machine the second one got 1 of its 3 threads.
 */
export function pthreadPoolSize(cores: number): number {
  return Math.max(cores, BACKBONES_AT_ONCE * (cores - 1));
}

/** Emscripten's glue made to start `size` pthread workers instead of one per core. */
export function withPthreadPool(glue: string, size: number): string {
  const poolSize = 'var pthreadPoolSize = navigator.hardwareConcurrency;';
  if (size === 0) return glue;
  if (!glue.includes(poolSize))
    throw new Error('its threaded runtime no longer says how many threads it starts with (see withPthreadPool)');
  return glue.replace(poolSize, `var pthreadPoolSize = ${size};`);
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
  const glue = `${withPthreadPool(await response.text(), threaded ? pthreadPoolSize(navigator.hardwareConcurrency) : 0)}\n;self.ModuleFactory = ModuleFactory;`;
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

/**
 * Compiles a .tflite model for an accelerator; the model's float32 inputs and outputs are used as
 * they are. `threads`: at most this many threads on the WASM runtime (else as askModelThreads says).
 */
export async function compileTflite(bytes: Uint8Array, accelerator: LiteRtAccelerator, threads = Infinity): Promise<TfliteModel> {
  const runtime = await liteRt();
  if (accelerator === 'webgpu') {
    const reason = await webGpuUnavailableReason();
    if (reason) throw new Error(reason);
  }
  // LiteRT keeps a reference to the bytes it compiles, so each compile gets its own copy.
  const model: CompiledModel = await loadAndCompile(bytes.slice(), {
    accelerator,
    cpuOptions: { numThreads: Math.min(threads, modelThreads(runtime)) },
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
