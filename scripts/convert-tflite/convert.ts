/**
 * Converts an 8-bit (uint8/int8) TFLite MobileNet-style classifier into a float32 TF.js LAYERS model.
 *
 *   npx tsx scripts/convert-tflite/convert.ts <input.tflite> <outDir>
 *
 * Writes <outDir>/model.json and <outDir>/group1-shard{i}of{n}.bin (<= 4 MiB each), loadable with
 * `tf.loadLayersModel(url)`. See README.md next to this file.
 */
import * as tf from '@tensorflow/tfjs';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  ACTIVATION_NAMES,
  TENSOR_TYPE_NAMES,
  isGlobalMean,
  parseTflite,
  type OperatorInfo,
  type TensorInfo,
  type TfliteModel,
} from './tflite.ts';

/** Name of the global-average-pooling layer whose 1280-d output is the image embedding. */
export const EMBEDDING_LAYER_NAME = 'global_average_pooling2d';
/** Name of the final classification layer (logits, before softmax). */
export const LOGITS_LAYER_NAME = 'logits';
/** Name of the softmax output layer. */
export const PREDICTIONS_LAYER_NAME = 'predictions';
/** Default maximum shard size, as used by the official TF.js converter. */
export const DEFAULT_SHARD_BYTES = 4 * 1024 * 1024;

export interface ConvertOptions {
  /** Maximum bytes per weight shard file (default 4 MiB). */
  shardBytes?: number;
  /** Name given to the TF.js model (default 'mobilenet_v2_from_tflite'). */
  modelName?: string;
}

export interface ConvertedFile {
  name: string;
  data: Uint8Array;
}

export interface ConversionInfo {
  /** TFLite operator counts, e.g. { CONV_2D: 36, ... }. */
  opCounts: Record<string, number>;
  inputShape: number[];
  embeddingDim: number;
  outputDim: number;
  /** Name of the model's output layer ('predictions' when the graph ends in SOFTMAX). */
  outputLayer: string;
  paramCount: number;
  weightBytes: number;
}

export interface ConvertedModel {
  /** Contents of model.json (its weightsManifest paths name the shard files in `files`). */
  modelJson: tf.io.ModelJSON;
  /** All weights, float32, concatenated in weightsManifest order (= the shards joined). */
  weightData: ArrayBuffer;
  /** model.json followed by the weight shards, ready to be written to a directory. */
  files: ConvertedFile[];
  info: ConversionInfo;
}

class ConversionError extends Error {}

/** Fused activation -> Keras activation identifier. */
function kerasActivation(code: number, where: string): 'linear' | 'relu' | 'relu6' {
  switch (code) {
    case 0:
      return 'linear';
    case 1:
      return 'relu';
    case 3:
      return 'relu6';
    default:
      throw new ConversionError(`unsupported fused activation ${ACTIVATION_NAMES[code] ?? code} at ${where}`);
  }
}

function product(xs: number[]): number {
  return xs.reduce((a, b) => a * b, 1);
}

/** Dequantizes a constant tensor to float32 (row-major, TFLite layout). */
export function dequantize(model: TfliteModel, t: TensorInfo, where: string): Float32Array {
  const raw = model.buffers[t.buffer];
  const n = product(t.shape);
  if (!raw || raw.length === 0) throw new ConversionError(`tensor "${t.name}" (${where}) has no constant data`);
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const out = new Float32Array(n);
  const typeName = TENSOR_TYPE_NAMES[t.type] ?? `type ${t.type}`;
  const elemBytes = ({ FLOAT32: 4, INT32: 4, UINT8: 1, INT8: 1 } as Record<string, number>)[typeName];
  if (elemBytes === undefined) throw new ConversionError(`unsupported weight tensor type ${typeName} for "${t.name}" (${where})`);
  if (raw.length !== n * elemBytes) {
    throw new ConversionError(`tensor "${t.name}" (${where}): ${raw.length} bytes of data, expected ${n * elemBytes}`);
  }
  if (typeName === 'FLOAT32') {
    for (let i = 0; i < n; i++) out[i] = view.getFloat32(i * 4, true);
    return out;
  }
  const q = t.quantization;
  if (!q) throw new ConversionError(`quantized tensor "${t.name}" (${where}) has no quantization parameters`);
  const read =
    typeName === 'INT32'
      ? (i: number) => view.getInt32(i * 4, true)
      : typeName === 'UINT8'
        ? (i: number) => view.getUint8(i)
        : (i: number) => view.getInt8(i);
  const scales = q.scale;
  const zeros = q.zeroPoint.length > 0 ? q.zeroPoint : [0];
  if (scales.length === 1) {
    const s = scales[0];
    const z = zeros[0];
    for (let i = 0; i < n; i++) out[i] = (read(i) - z) * s;
  } else {
    // Per-channel: one scale (and zero point) per index along quantized_dimension.
    const d = q.quantizedDimension;
    const channels = t.shape[d];
    if (channels !== scales.length) {
      throw new ConversionError(`tensor "${t.name}" (${where}): ${scales.length} scales but dimension ${d} has size ${channels}`);
    }
    const inner = product(t.shape.slice(d + 1));
    for (let i = 0; i < n; i++) {
      const c = Math.floor(i / inner) % channels;
      const z = zeros.length === 1 ? zeros[0] : zeros[c];
      out[i] = (read(i) - z) * scales[c];
    }
  }
  return out;
}

/** TFLite conv filter [O, KH, KW, I] -> Keras Conv2D kernel [KH, KW, I, O]. */
export function convKernelToKeras(w: Float32Array, [o, kh, kw, ci]: number[]): Float32Array {
  const out = new Float32Array(w.length);
  for (let oc = 0; oc < o; oc++) {
    for (let y = 0; y < kh; y++) {
      for (let x = 0; x < kw; x++) {
        const src = ((oc * kh + y) * kw + x) * ci;
        const dst = (y * kw + x) * ci * o + oc;
        for (let ic = 0; ic < ci; ic++) out[dst + ic * o] = w[src + ic];
      }
    }
  }
  return out;
}

/** Symbolic value of a TFLite tensor. `flat` means TFLite's [1,1,1,C] is held as a Keras [batch, C] tensor. */
interface Value {
  sym: tf.SymbolicTensor;
  flat: boolean;
}

function sanitizeName(s: string): string {
  return s.replace(/[^A-Za-z0-9_]+/g, '_').replace(/^_+|_+$/g, '');
}

/**
 * Build the TF.js layers model from a parsed TFLite graph. Returns the model and conversion info.
 * Keep the model: the caller disposes it.
 */
export function buildLayersModel(
  m: TfliteModel,
  modelName = 'mobilenet_v2_from_tflite',
): { model: tf.LayersModel; info: Omit<ConversionInfo, 'weightBytes'> } {
  if (m.subgraphCount !== 1) throw new ConversionError(`expected 1 subgraph, found ${m.subgraphCount}`);
  if (m.inputs.length !== 1) throw new ConversionError(`expected 1 graph input, found ${m.inputs.length}`);
  if (m.outputs.length !== 1) throw new ConversionError(`expected 1 graph output, found ${m.outputs.length}`);

  const opCounts: Record<string, number> = {};
  for (const op of m.operators) opCounts[op.opName] = (opCounts[op.opName] ?? 0) + 1;

  // Layer names come from the TFLite tensor name scopes ("MobilenetV2/expanded_conv_1/expand/Conv2D_Fold"
  // -> "expanded_conv_1_expand"), dropping a first scope shared by every tensor.
  const firstScopes = new Set(
    m.tensors
      .map((t) => t.name.split(';')[0].split('/'))
      .filter((p) => p.length > 1)
      .map((p) => p[0]),
  );
  const commonPrefix = firstScopes.size === 1 ? [...firstScopes][0] : null;
  const usedNames = new Set<string>();
  const layerName = (tensorName: string, dropLast: boolean, fallback: string): string => {
    let parts = tensorName.split(';')[0].split('/');
    if (dropLast && parts.length > 1) parts = parts.slice(0, -1);
    if (commonPrefix !== null && parts.length > 1 && parts[0] === commonPrefix) parts = parts.slice(1);
    let name = sanitizeName(parts.join('_')) || fallback;
    if (!/^[A-Za-z]/.test(name)) name = `l_${name}`;
    if (usedNames.has(name)) name = `${name}_${fallback}`;
    if (usedNames.has(name)) throw new ConversionError(`duplicate layer name ${name}`);
    usedNames.add(name);
    return name;
  };
  const reserve = (name: string) => {
    if (usedNames.has(name)) throw new ConversionError(`duplicate layer name ${name}`);
    usedNames.add(name);
    return name;
  };

  const inT = m.tensors[m.inputs[0]];
  if (inT.shape.length !== 4 || inT.shape[0] !== 1) {
    throw new ConversionError(`expected an NHWC input with batch 1, got [${inT.shape}]`);
  }
  const inputShape = inT.shape.slice(1);
  const input = tf.input({ shape: inputShape, name: reserve('input'), dtype: 'float32' });
  const values = new Map<number, Value>();
  values.set(m.inputs[0], { sym: input, flat: false });
  let paramCount = 0;
  let embeddingDim = 0;
  let sawGlobalPool = false;

  const get = (op: OperatorInfo, k: number): Value => {
    const idx = op.inputs[k];
    const v = values.get(idx);
    if (!v) {
      const t = m.tensors[idx];
      throw new ConversionError(`op #${op.index} ${op.opName}: input ${k} (tensor ${idx} "${t?.name}") is not produced by a supported op`);
    }
    return v;
  };
  const constTensor = (op: OperatorInfo, k: number): TensorInfo => {
    const idx = op.inputs[k];
    const t = m.tensors[idx];
    if (idx < 0 || !t) throw new ConversionError(`op #${op.index} ${op.opName}: missing input ${k}`);
    return t;
  };
  const setOut = (op: OperatorInfo, v: Value) => {
    const idx = op.outputs[0];
    const t = m.tensors[idx];
    // Sanity check: the Keras shape must match the TFLite shape (batch dim excluded).
    const want = v.flat ? [t.shape[t.shape.length - 1]] : t.shape.slice(1);
    const wantFlatOk = v.flat && t.shape.slice(0, -1).every((d) => d === 1);
    const got = v.sym.shape.slice(1);
    if ((v.flat && !wantFlatOk) || got.length !== want.length || got.some((d, i) => d !== want[i])) {
      throw new ConversionError(`op #${op.index} ${op.opName}: shape mismatch, TF.js [${got}] vs TFLite [${t.shape}] for "${t.name}"`);
    }
    values.set(idx, v);
  };

  for (const op of m.operators) {
    const where = `op #${op.index} (${op.opName})`;
    switch (op.opName) {
      case 'CONV_2D': {
        const o = op.options;
        if (!o || o.kind !== 'conv2d') throw new ConversionError(`${where}: missing Conv2DOptions`);
        const x = get(op, 0);
        const wT = constTensor(op, 1);
        const [oc, kh, kw, ic] = wT.shape;
        const w = dequantize(m, wT, where);
        const b = op.inputs.length > 2 && op.inputs[2] >= 0 ? dequantize(m, constTensor(op, 2), where) : null;
        const activation = kerasActivation(o.activation, where);
        let layer: tf.layers.Layer;
        let weights: tf.Tensor[];
        if (x.flat) {
          // 1x1 conv applied to a 1x1 spatial map == Dense.
          if (kh !== 1 || kw !== 1 || o.strideW !== 1 || o.strideH !== 1) {
            throw new ConversionError(`${where}: non-1x1 convolution after global pooling`);
          }
          layer = tf.layers.dense({
            units: oc,
            activation,
            useBias: b !== null,
            kernelInitializer: 'zeros',
            biasInitializer: 'zeros',
            name: reserve(LOGITS_LAYER_NAME),
          });
          // [O, 1, 1, I] -> [I, O]
          weights = [tf.tensor2d(convKernelToKeras(w, wT.shape), [ic, oc])];
        } else {
          layer = tf.layers.conv2d({
            filters: oc,
            kernelSize: [kh, kw],
            strides: [o.strideH, o.strideW],
            padding: o.padding === 'SAME' ? 'same' : 'valid',
            dilationRate: [o.dilationH, o.dilationW],
            activation,
            useBias: b !== null,
            kernelInitializer: 'zeros',
            biasInitializer: 'zeros',
            name: layerName(wT.name, true, `conv2d_op${op.index}`),
          });
          weights = [tf.tensor4d(convKernelToKeras(w, wT.shape), [kh, kw, ic, oc])];
        }
        if (b) weights.push(tf.tensor1d(b));
        const y = layer.apply(x.sym) as tf.SymbolicTensor;
        layer.setWeights(weights);
        tf.dispose(weights);
        paramCount += w.length + (b?.length ?? 0);
        setOut(op, { sym: y, flat: x.flat });
        break;
      }
      case 'DEPTHWISE_CONV_2D': {
        const o = op.options;
        if (!o || o.kind !== 'depthwise') throw new ConversionError(`${where}: missing DepthwiseConv2DOptions`);
        const x = get(op, 0);
        if (x.flat) throw new ConversionError(`${where}: depthwise convolution after global pooling`);
        const wT = constTensor(op, 1);
        const [one, kh, kw, total] = wT.shape;
        const inC = x.sym.shape[3] as number;
        if (one !== 1 || total % inC !== 0) {
          throw new ConversionError(`${where}: unexpected depthwise filter shape [${wT.shape}] for ${inC} input channels`);
        }
        const mult = total / inC;
        if (o.depthMultiplier !== 0 && o.depthMultiplier !== mult) {
          throw new ConversionError(`${where}: depth_multiplier ${o.depthMultiplier} disagrees with filter shape`);
        }
        const w = dequantize(m, wT, where);
        const b = op.inputs.length > 2 && op.inputs[2] >= 0 ? dequantize(m, constTensor(op, 2), where) : null;
        const layer = tf.layers.depthwiseConv2d({
          kernelSize: [kh, kw],
          depthMultiplier: mult,
          strides: [o.strideH, o.strideW],
          padding: o.padding === 'SAME' ? 'same' : 'valid',
          dilationRate: [o.dilationH, o.dilationW],
          activation: kerasActivation(o.activation, where),
          useBias: b !== null,
          depthwiseInitializer: 'zeros',
          biasInitializer: 'zeros',
          name: layerName(wT.name, true, `depthwise_op${op.index}`),
        });
        // [1, KH, KW, I*M] and Keras [KH, KW, I, M] share the same memory layout (channel c*M + m).
        const weights: tf.Tensor[] = [tf.tensor4d(w, [kh, kw, inC, mult])];
        if (b) weights.push(tf.tensor1d(b));
        const y = layer.apply(x.sym) as tf.SymbolicTensor;
        layer.setWeights(weights);
        tf.dispose(weights);
        paramCount += w.length + (b?.length ?? 0);
        setOut(op, { sym: y, flat: false });
        break;
      }
      case 'ADD': {
        const o = op.options;
        const a = get(op, 0);
        const b = get(op, 1);
        if (a.flat !== b.flat) throw new ConversionError(`${where}: mixed flat/spatial operands`);
        const name = layerName(m.tensors[op.outputs[0]].name, false, `add_op${op.index}`);
        let y = tf.layers.add({ name }).apply([a.sym, b.sym]) as tf.SymbolicTensor;
        const act = o && o.kind === 'add' ? kerasActivation(o.activation, where) : 'linear';
        if (act !== 'linear') {
          y = tf.layers.activation({ activation: act, name: reserve(`${name}_${act}`) }).apply(y) as tf.SymbolicTensor;
        }
        setOut(op, { sym: y, flat: a.flat });
        break;
      }
      case 'MEAN': {
        // TF2 exports GlobalAveragePooling2D as a MEAN over axes [1, 2].
        if (!isGlobalMean(m, op)) throw new ConversionError(`${where}: only a mean over axes [1, 2] is supported`);
        const x = get(op, 0);
        if (x.flat) throw new ConversionError(`${where}: pooling after global pooling`);
        const name = sawGlobalPool ? layerName('', false, `global_average_pooling2d_op${op.index}`) : reserve(EMBEDDING_LAYER_NAME);
        const y = tf.layers.globalAveragePooling2d({ name }).apply(x.sym) as tf.SymbolicTensor;
        if (!sawGlobalPool) embeddingDim = y.shape[1] as number;
        sawGlobalPool = true;
        setOut(op, { sym: y, flat: true });
        break;
      }
      case 'AVERAGE_POOL_2D': {
        const o = op.options;
        if (!o || o.kind !== 'pool2d') throw new ConversionError(`${where}: missing Pool2DOptions`);
        const x = get(op, 0);
        if (x.flat) throw new ConversionError(`${where}: pooling after global pooling`);
        const [, h, w] = x.sym.shape as number[];
        const act = kerasActivation(o.activation, where);
        const global = o.filterH === h && o.filterW === w && (o.padding === 'VALID' || (h === 1 && w === 1));
        let y: tf.SymbolicTensor;
        if (global && act === 'linear') {
          const name = sawGlobalPool ? layerName('', false, `global_average_pooling2d_op${op.index}`) : reserve(EMBEDDING_LAYER_NAME);
          y = tf.layers.globalAveragePooling2d({ name }).apply(x.sym) as tf.SymbolicTensor;
          if (!sawGlobalPool) embeddingDim = y.shape[1] as number;
          sawGlobalPool = true;
          setOut(op, { sym: y, flat: true });
        } else {
          y = tf.layers
            .averagePooling2d({
              poolSize: [o.filterH, o.filterW],
              strides: [o.strideH, o.strideW],
              padding: o.padding === 'SAME' ? 'same' : 'valid',
              name: layerName(m.tensors[op.outputs[0]].name, false, `average_pooling2d_op${op.index}`),
            })
            .apply(x.sym) as tf.SymbolicTensor;
          if (act !== 'linear') {
            y = tf.layers.activation({ activation: act, name: reserve(`avgpool_op${op.index}_${act}`) }).apply(y) as tf.SymbolicTensor;
          }
          setOut(op, { sym: y, flat: false });
        }
        break;
      }
      case 'RESHAPE': {
        const x = get(op, 0);
        const outT = m.tensors[op.outputs[0]];
        const target = outT.shape;
        if (target[0] !== 1) throw new ConversionError(`${where}: reshape to [${target}] changes the batch dimension`);
        const elems = product(target.slice(1));
        if (x.flat && elems === x.sym.shape[1] && target.slice(1, -1).every((d) => d === 1)) {
          // [1,1,1,C] -> [1,C] (the TFLite "Squeeze"): the Keras tensor is already [batch, C].
          setOut(op, { sym: x.sym, flat: target.length !== 2 });
          break;
        }
        const y = tf.layers
          .reshape({ targetShape: target.slice(1), name: layerName(outT.name, false, `reshape_op${op.index}`) })
          .apply(x.sym) as tf.SymbolicTensor;
        setOut(op, { sym: y, flat: false });
        break;
      }
      case 'SOFTMAX': {
        const o = op.options;
        if (o && o.kind === 'softmax' && o.beta !== 1) throw new ConversionError(`${where}: softmax beta ${o.beta} != 1 is not supported`);
        const x = get(op, 0);
        const y = tf.layers.softmax({ axis: -1, name: reserve(PREDICTIONS_LAYER_NAME) }).apply(x.sym) as tf.SymbolicTensor;
        setOut(op, { sym: y, flat: x.flat });
        break;
      }
      case 'QUANTIZE':
      case 'DEQUANTIZE': {
        // Activations stay float: these are identities.
        const x = get(op, 0);
        values.set(op.outputs[0], x);
        break;
      }
      default:
        throw new ConversionError(`unsupported TFLite operator ${op.opName} at op #${op.index}`);
    }
  }

  const out = values.get(m.outputs[0]);
  if (!out) throw new ConversionError('graph output is not produced by any converted op');
  const outputDim = out.sym.shape[out.sym.shape.length - 1] as number;
  const outputLayer = out.sym.sourceLayer.name;
  const model = tf.model({ inputs: input, outputs: out.sym, name: modelName });
  return { model, info: { opCounts, inputShape, embeddingDim, outputDim, outputLayer, paramCount } };
}

function toArrayBuffer(d: tf.io.WeightData): ArrayBuffer {
  if (d instanceof ArrayBuffer) return d;
  return tf.io.concatenateArrayBuffers(d);
}

/** Converts a TFLite flatbuffer into model.json + float32 weight shards for `tf.loadLayersModel`. */
export async function convertTflite(bytes: Uint8Array, options: ConvertOptions = {}): Promise<ConvertedModel> {
  const shardBytes = options.shardBytes ?? DEFAULT_SHARD_BYTES;
  if (!(shardBytes > 0) || shardBytes % 4 !== 0) throw new ConversionError('shardBytes must be a positive multiple of 4');
  await tf.setBackend('cpu');
  await tf.ready();
  const parsed = parseTflite(bytes);
  const { model, info } = buildLayersModel(parsed, options.modelName);
  if (info.embeddingDim === 0) {
    model.dispose();
    throw new ConversionError('no global average pooling in the graph: the model would have no embedding layer');
  }
  let artifacts: tf.io.ModelArtifacts | null = null;
  try {
    await model.save(
      tf.io.withSaveHandler(async (a) => {
        artifacts = a;
        return { modelArtifactsInfo: { dateSaved: new Date(0), modelTopologyType: 'JSON' } };
      }),
    );
  } finally {
    model.dispose();
  }
  const a = artifacts as tf.io.ModelArtifacts | null;
  if (!a || !a.weightData || !a.weightSpecs) throw new Error('TF.js produced no model artifacts');
  for (const spec of a.weightSpecs) {
    if (spec.dtype !== 'float32') throw new Error(`unexpected weight dtype ${spec.dtype} for ${spec.name}`);
  }
  const weightData = toArrayBuffer(a.weightData);
  const nShards = Math.max(1, Math.ceil(weightData.byteLength / shardBytes));
  const shardFiles: ConvertedFile[] = [];
  for (let i = 0; i < nShards; i++) {
    const start = i * shardBytes;
    shardFiles.push({
      name: `group1-shard${i + 1}of${nShards}.bin`,
      data: new Uint8Array(weightData.slice(start, Math.min(start + shardBytes, weightData.byteLength))),
    });
  }
  const modelJson: tf.io.ModelJSON = {
    modelTopology: a.modelTopology as object,
    format: a.format,
    generatedBy: a.generatedBy,
    convertedBy: 'handful scripts/convert-tflite (from TFLite, weights dequantized to float32)',
    weightsManifest: [{ paths: shardFiles.map((f) => f.name), weights: a.weightSpecs }],
  };
  const json = JSON.stringify(modelJson);
  return {
    modelJson,
    weightData,
    files: [{ name: 'model.json', data: new TextEncoder().encode(json) }, ...shardFiles],
    info: { ...info, weightBytes: weightData.byteLength },
  };
}

/** Writes the converted files into `outDir` (created if needed). Returns the written paths. */
export function writeConverted(outDir: string, converted: ConvertedModel): string[] {
  mkdirSync(outDir, { recursive: true });
  return converted.files.map((f) => {
    const p = join(outDir, f.name);
    writeFileSync(p, f.data);
    return p;
  });
}

async function main(argv: string[]): Promise<number> {
  if (argv.length !== 2) {
    console.error('usage: npx tsx scripts/convert-tflite/convert.ts <input.tflite> <outDir>');
    return 2;
  }
  const [inPath, outDir] = argv;
  const t0 = performance.now();
  const bytes = new Uint8Array(readFileSync(inPath));
  const converted = await convertTflite(bytes);
  const paths = writeConverted(outDir, converted);
  const ms = performance.now() - t0;
  const { info } = converted;
  const total = converted.files.reduce((s, f) => s + f.data.length, 0);
  console.log(`converted ${inPath} in ${(ms / 1000).toFixed(2)} s`);
  console.log(
    `  ops: ${Object.entries(info.opCounts)
      .map(([k, v]) => `${k} x${v}`)
      .join(', ')}`,
  );
  console.log(
    `  input [${info.inputShape}] float32 in [-1, 1); embedding layer "${EMBEDDING_LAYER_NAME}" ${info.embeddingDim}-d; ` +
      `output layer "${info.outputLayer}" ${info.outputDim}-d`,
  );
  console.log(`  ${info.paramCount} parameters, ${info.weightBytes} weight bytes, ${total} bytes on disk`);
  for (const p of paths) console.log(`  wrote ${p}`);
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(`error: ${err instanceof Error ? err.message : String(err)}`);
      process.exit(1);
    },
  );
}
