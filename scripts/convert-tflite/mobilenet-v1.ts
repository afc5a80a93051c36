/**
 * MobileNet V1 (the TF.js layers model in ../shared/models/mobilenet_v1_0.75_224) as an embedding .tflite
 * for LiteRT.js: batch norm folded into the convolutions, ReLU6 fused, the graph ending at the global average
 * pool (a MEAN over axes 1, 2) with a float32 [1, C] output. Two variants from the same folded weights:
 *   - float32 throughout;
 *   - int8: per-output-channel symmetric int8 weights, int32 biases, int8 activations whose ranges come from
 *     a calibration file (mobilenet_v1_calibration.json, made by calibrate-v1.ts from real photos), a float32
 *     input quantized by the first op and a DEQUANTIZE at the end.
 */
import type { Padding } from './tflite.ts';
import type { WritableModel, WritableOperator, WritableTensor } from './tflite-writer.ts';

const FLOAT32 = 0;
const INT32 = 2;
const INT8 = 9;
const CONV_2D = 3;
const DEPTHWISE_CONV_2D = 4;
const MEAN = 40;
const QUANTIZE = 114;
const DEQUANTIZE = 6;
const RESHAPE = 22;
const SOFTMAX = 25;
const RELU6 = 3;

/** The layer whose output is the embedding (SOURCE.md of the mirrored model). */
export const V1_EMBEDDING_LAYER = 'global_average_pooling2d_1';

/** A convolution with its batch norm folded in, weights in TFLite layout. */
export interface FoldedConv {
  /** Name of the activation layer after it (e.g. conv_pw_13_relu), which names its output tensor. */
  name: string;
  kind: 'conv' | 'depthwise';
  /** TFLite layout: conv [O, kh, kw, I], depthwise [1, kh, kw, C]. */
  filterShape: number[];
  filter: Float32Array;
  bias: Float32Array;
  stride: number;
  padding: Padding;
  relu6: boolean;
  /** NHWC output shape with batch 1. */
  outputShape: number[];
}

export interface FoldedMobilenet {
  inputShape: number[];
  convs: FoldedConv[];
  embeddingSize: number;
}

interface KerasLayer {
  class_name: string;
  name?: string;
  config: Record<string, unknown> & { name: string };
  inbound_nodes?: unknown[][];
}

interface WeightsGroup {
  paths: string[];
  weights: { name: string; shape: number[]; dtype: string }[];
}

/** All weights of a TF.js layers model by name, read from its weight files. */
function readWeights(modelJson: { weightsManifest: WeightsGroup[] }, files: Map<string, Uint8Array>): Map<string, Float32Array> {
  const weights = new Map<string, Float32Array>();
  for (const group of modelJson.weightsManifest) {
    const parts = group.paths.map((path) => {
      const bytes = files.get(path);
      if (!bytes) throw new Error(`weight file ${path} is missing`);
      return bytes;
    });
    const joined = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const part of parts) {
      joined.set(part, at);
      at += part.length;
    }
    let offset = 0;
    for (const w of group.weights) {
      if (w.dtype !== 'float32') throw new Error(`weight ${w.name} is ${w.dtype}, expected float32`);
      const n = w.shape.reduce((a, b) => a * b, 1);
      if (offset + n * 4 > joined.length) throw new Error(`weight files of ${w.name} are too short`);
      weights.set(w.name, new Float32Array(joined.slice(offset, offset + n * 4).buffer));
      offset += n * 4;
    }
  }
  return weights;
}

/** Reads the Keras MobileNet V1 chain (conv/depthwise -> batch norm -> ReLU6 ...) up to the embedding pool. */
export function foldMobilenetV1(files: Map<string, Uint8Array>): FoldedMobilenet {
  const json = files.get('model.json');
  if (!json) throw new Error('model.json is missing');
  const model = JSON.parse(new TextDecoder().decode(json));
  const layers: KerasLayer[] = model.modelTopology.model_config.config.layers;
  const weights = readWeights(model, files);
  const weight = (name: string) => {
    const w = weights.get(name);
    if (!w) throw new Error(`weight ${name} is missing`);
    return w;
  };
  const inputLayer = layers[0];
  const batchShape = inputLayer.config.batch_input_shape as (number | null)[];
  if (inputLayer.class_name !== 'InputLayer' || batchShape.length !== 4) throw new Error('expected an NHWC InputLayer first');
  const inputShape = [1, ...(batchShape.slice(1) as number[])];
  let [height, width, channels] = inputShape.slice(1);

  const convs: FoldedConv[] = [];
  let previous = inputLayer.config.name;
  let pending: FoldedConv | undefined;
  for (const layer of layers.slice(1)) {
    const c = layer.config;
    const inbound = (layer.inbound_nodes?.[0]?.[0] as unknown[] | undefined)?.[0];
    if (inbound !== previous) throw new Error(`layer ${c.name} does not follow ${previous}: only a plain chain is supported`);
    previous = c.name;
    switch (layer.class_name) {
      case 'Conv2D':
      case 'DepthwiseConv2D': {
        if (pending) convs.push(pending);
        const depthwise = layer.class_name === 'DepthwiseConv2D';
        const [kh, kw] = c.kernel_size as number[];
        const [sh, sw] = c.strides as number[];
        const dilation = (c.dilation_rate as number[] | undefined) ?? [1, 1];
        if (sh !== sw || dilation.some((d) => d !== 1) || c.activation !== 'linear') {
          throw new Error(`${c.name}: only equal strides, no dilation and a linear activation are supported`);
        }
        if (depthwise && c.depth_multiplier !== 1) throw new Error(`${c.name}: depth multiplier ${c.depth_multiplier}`);
        const padding: Padding = c.padding === 'same' ? 'SAME' : 'VALID';
        const kernel = weight(`${c.name}/${depthwise ? 'depthwise_kernel' : 'kernel'}`);
        const outC = depthwise ? channels : (c.filters as number);
        let filter: Float32Array;
        if (depthwise) {
          // Keras [kh, kw, C, 1] and TFLite [1, kh, kw, C] share one memory layout.
          filter = kernel.slice();
        } else {
          // Keras [kh, kw, I, O] -> TFLite [O, kh, kw, I].
          filter = new Float32Array(kernel.length);
          for (let o = 0; o < outC; o++)
            for (let k = 0; k < kh * kw; k++)
              for (let i = 0; i < channels; i++) filter[(o * kh * kw + k) * channels + i] = kernel[(k * channels + i) * outC + o];
        }
        const bias = c.use_bias ? weight(`${c.name}/bias`).slice() : new Float32Array(outC);
        height = padding === 'SAME' ? Math.ceil(height / sh) : Math.ceil((height - kh + 1) / sh);
        width = padding === 'SAME' ? Math.ceil(width / sw) : Math.ceil((width - kw + 1) / sw);
        channels = outC;
        pending = {
          name: c.name,
          kind: depthwise ? 'depthwise' : 'conv',
          filterShape: depthwise ? [1, kh, kw, outC] : [outC, kh, kw, filter.length / (outC * kh * kw)],
          filter,
          bias,
          stride: sh,
          padding,
          relu6: false,
          outputShape: [1, height, width, channels],
        };
        break;
      }
      case 'BatchNormalization': {
        if (!pending || pending.relu6) throw new Error(`${c.name}: batch norm must follow a convolution directly`);
        const gamma = weight(`${c.name}/gamma`);
        const beta = weight(`${c.name}/beta`);
        const mean = weight(`${c.name}/moving_mean`);
        const variance = weight(`${c.name}/moving_variance`);
        const epsilon = c.epsilon as number;
        const perChannel = pending.filter.length / channels;
        for (let o = 0; o < channels; o++) {
          const s = gamma[o] / Math.sqrt(variance[o] + epsilon);
          pending.bias[o] = beta[o] + (pending.bias[o] - mean[o]) * s;
          if (pending.kind === 'conv') for (let k = 0; k < perChannel; k++) pending.filter[o * perChannel + k] *= s;
          else for (let k = 0; k < perChannel; k++) pending.filter[k * channels + o] *= s;
        }
        break;
      }
      case 'Activation':
      case 'ReLU': {
        const relu6 = c.activation === 'relu6' || (layer.class_name === 'ReLU' && c.max_value === 6);
        if (!pending || pending.relu6 || !relu6) throw new Error(`${c.name}: only a ReLU6 after a convolution is supported`);
        pending.relu6 = true;
        pending.name = c.name;
        break;
      }
      case 'GlobalAveragePooling2D': {
        if (c.name !== V1_EMBEDDING_LAYER) throw new Error(`unexpected pooling layer ${c.name}`);
        if (pending) convs.push(pending);
        return { inputShape, convs, embeddingSize: channels };
      }
      default:
        throw new Error(`unsupported layer ${layer.class_name} (${c.name}) before ${V1_EMBEDDING_LAYER}`);
    }
  }
  throw new Error(`no layer ${V1_EMBEDDING_LAYER} in model.json`);
}

const bytesOf = (a: Float32Array | Int32Array | Int8Array) => new Uint8Array(a.buffer.slice(a.byteOffset, a.byteOffset + a.byteLength));

function convOperator(conv: FoldedConv, version: number, inputs: number[], output: number): WritableOperator {
  const activation = conv.relu6 ? RELU6 : 0;
  const common = { padding: conv.padding, strideW: conv.stride, strideH: conv.stride, activation, dilationW: 1, dilationH: 1 };
  return conv.kind === 'conv'
    ? { opcode: CONV_2D, version, inputs, outputs: [output], options: { kind: 'conv2d', ...common } }
    : { opcode: DEPTHWISE_CONV_2D, version, inputs, outputs: [output], options: { kind: 'depthwise', depthMultiplier: 1, ...common } };
}

const meanAxes = (): WritableTensor => ({ name: 'mean_axes', shape: [2], type: INT32, data: bytesOf(new Int32Array([1, 2])) });

/**
 * The float32 embedding model. With `everyActivation`, every convolution's output is declared an output too
 * (after the embedding), which is how calibrate-v1.ts reads activation ranges through LiteRT.js.
 */
export function floatEmbeddingModel(net: FoldedMobilenet, description: string, everyActivation = false): WritableModel {
  const tensors: WritableTensor[] = [{ name: 'input', shape: net.inputShape, type: FLOAT32 }];
  const operators: WritableOperator[] = [];
  let x = 0;
  const activations: number[] = [];
  for (const conv of net.convs) {
    const filter = tensors.push({ name: `${conv.name}/filter`, shape: conv.filterShape, type: FLOAT32, data: bytesOf(conv.filter) }) - 1;
    const bias = tensors.push({ name: `${conv.name}/bias`, shape: [conv.bias.length], type: FLOAT32, data: bytesOf(conv.bias) }) - 1;
    const y = tensors.push({ name: conv.name, shape: conv.outputShape, type: FLOAT32 }) - 1;
    operators.push(convOperator(conv, 1, [x, filter, bias], y));
    activations.push(y);
    x = y;
  }
  const axes = tensors.push(meanAxes()) - 1;
  const embedding = tensors.push({ name: 'embedding', shape: [1, net.embeddingSize], type: FLOAT32 }) - 1;
  operators.push({ opcode: MEAN, version: 1, inputs: [x, axes], outputs: [embedding], options: { kind: 'reducer', keepDims: false } });
  return { description, tensors, inputs: [0], outputs: everyActivation ? [embedding, ...activations] : [embedding], operators };
}

/** Observed range of a tensor's real values. */
export interface Range {
  min: number;
  max: number;
}

/** From calibration: each convolution's output range and mean per channel (by name), and the input's means. */
export interface Calibration {
  activations: Record<string, Range>;
  channelMeans: Record<string, number[]>;
}

interface ActivationQuantization {
  scale: number;
  zeroPoint: number;
}

/** Asymmetric int8 parameters covering [min, max] and always 0 (so zero padding is exact). */
export function activationQuantization({ min, max }: Range): ActivationQuantization {
  const lo = Math.min(0, min);
  const hi = Math.max(0, max);
  const scale = hi > lo ? (hi - lo) / 255 : 1;
  const zeroPoint = Math.max(-128, Math.min(127, Math.round(-128 - lo / scale)));
  return { scale: Math.fround(scale), zeroPoint };
}

/** Symmetric per-output-channel int8 weights: each channel's largest magnitude becomes 127. */
export function quantizePerChannel(
  w: Float32Array,
  channels: number,
  channelOf: (i: number) => number,
): { q: Int8Array; scales: number[] } {
  const maxAbs = new Float64Array(channels);
  for (let i = 0; i < w.length; i++) maxAbs[channelOf(i)] = Math.max(maxAbs[channelOf(i)], Math.abs(w[i]));
  const scales = Array.from(maxAbs, (m) => Math.fround(m > 0 ? m / 127 : 1e-9));
  const q = new Int8Array(w.length);
  for (let i = 0; i < w.length; i++) q[i] = Math.max(-127, Math.min(127, Math.round(w[i] / scales[channelOf(i)])));
  return { q, scales };
}

/**
 * Bias correction (Nagel et al. 2019, "Data-free quantization"): rounding the weights shifts each output
 * channel on average by sum((w_q - w) * E[x]); subtracting that from the bias removes the shift, which
 * otherwise adds up through the 27 layers. `inputMeans` holds E[x] per input channel (from calibration).
 */
export function correctedBias(conv: FoldedConv, q: Int8Array, scales: number[], inputMeans: number[]): Float32Array {
  const channels = conv.bias.length;
  const bias = conv.bias.slice();
  if (conv.kind === 'depthwise') {
    for (let i = 0; i < q.length; i++) {
      const c = i % channels;
      bias[c] -= (q[i] * scales[c] - conv.filter[i]) * inputMeans[c];
    }
  } else {
    const perChannel = q.length / channels;
    const inC = inputMeans.length;
    for (let i = 0; i < q.length; i++) {
      const o = Math.floor(i / perChannel);
      bias[o] -= (q[i] * scales[o] - conv.filter[i]) * inputMeans[i % inC];
    }
  }
  return bias;
}

/**
 * The int8 input step, the same as Google's int8 V2: the model takes x = (p - 127) / 127.5 for pixels p in
 * 0..255, which its first QUANTIZE turns into exactly p - 128. (The float model's p / 127.5 - 1 would fall
 * half a step between int8 values; this is 1/255 brighter than that, far below the int8 noise.)
 */
export const INT8_INPUT = { scale: Math.fround(1 / 127.5), zeroPoint: -1 };

/** The int8 embedding model: QUANTIZE of the float32 input, int8 convolutions, DEQUANTIZE, float MEAN to [1, C]. */
export function int8EmbeddingModel(net: FoldedMobilenet, calibration: Calibration, description: string): WritableModel {
  const inputQ = INT8_INPUT;
  const tensors: WritableTensor[] = [
    { name: 'input', shape: net.inputShape, type: FLOAT32 },
    {
      name: 'input_int8',
      shape: net.inputShape,
      type: INT8,
      quantization: { scale: [inputQ.scale], zeroPoint: [inputQ.zeroPoint], quantizedDimension: 0 },
    },
  ];
  const operators: WritableOperator[] = [{ opcode: QUANTIZE, version: 2, inputs: [0], outputs: [1], options: null }];
  let x = 1;
  let xScale = inputQ.scale;
  let inputName = 'input';
  for (const conv of net.convs) {
    const range = calibration.activations[conv.name];
    if (!range) throw new Error(`no calibrated range for ${conv.name}`);
    const channels = conv.bias.length;
    const perChannel = conv.filter.length / channels;
    const channelOf = conv.kind === 'conv' ? (i: number) => Math.floor(i / perChannel) : (i: number) => i % channels;
    const { q, scales } = quantizePerChannel(conv.filter, channels, channelOf);
    const inputMeans = calibration.channelMeans[inputName];
    if (!inputMeans) throw new Error(`no calibrated channel means for ${inputName}`);
    const biasScales = scales.map((s) => Math.fround(s * xScale));
    const bias = Int32Array.from(correctedBias(conv, q, scales, inputMeans), (b, c) => Math.round(b / biasScales[c]));
    const out = activationQuantization(conv.relu6 ? { min: Math.max(0, range.min), max: Math.min(6, range.max) } : range);
    const zeros = (n: number) => new Array<number>(n).fill(0);
    const filter =
      tensors.push({
        name: `${conv.name}/filter`,
        shape: conv.filterShape,
        type: INT8,
        data: bytesOf(q),
        quantization: { scale: scales, zeroPoint: zeros(channels), quantizedDimension: conv.kind === 'conv' ? 0 : 3 },
      }) - 1;
    const biasIndex =
      tensors.push({
        name: `${conv.name}/bias`,
        shape: [channels],
        type: INT32,
        data: bytesOf(bias),
        quantization: { scale: biasScales, zeroPoint: zeros(channels), quantizedDimension: 0 },
      }) - 1;
    const y =
      tensors.push({
        name: conv.name,
        shape: conv.outputShape,
        type: INT8,
        quantization: { scale: [out.scale], zeroPoint: [out.zeroPoint], quantizedDimension: 0 },
      }) - 1;
    operators.push(convOperator(conv, 3, [x, filter, biasIndex], y));
    x = y;
    xScale = out.scale;
    inputName = conv.name;
  }
  // Dequantized before the pool: the mean of 49 int8 values has more precision than one int8 value.
  const last = net.convs[net.convs.length - 1];
  const features = tensors.push({ name: `${last.name}/float`, shape: last.outputShape, type: FLOAT32 }) - 1;
  const axes = tensors.push(meanAxes()) - 1;
  const embedding = tensors.push({ name: 'embedding', shape: [1, net.embeddingSize], type: FLOAT32 }) - 1;
  operators.push({ opcode: DEQUANTIZE, version: 2, inputs: [x], outputs: [features], options: null });
  operators.push({
    opcode: MEAN,
    version: 1,
    inputs: [features, axes],
    outputs: [embedding],
    options: { kind: 'reducer', keepDims: false },
  });
  return { description, tensors, inputs: [0], outputs: [embedding], operators };
}

/**
 * V1's ImageNet classifier (`conv_preds`, a 1x1 convolution from the 768 pooled features to 1000 classes, then a
 * softmax) as a model of its own, 4x smaller than its float32 weights: the kernel int8, symmetric, one scale per
 * class (DEQUANTIZE of a constant, so the arithmetic stays float32 and only the weights are rounded), the bias
 * float32. Input float32 [1,1,1,768] (the embedding), output float32 [1,1000] probabilities.
 */
export function int8ClassifierModel(files: Map<string, Uint8Array>, description: string): WritableModel {
  const json = files.get('model.json');
  if (!json) throw new Error('model.json is missing');
  const weights = readWeights(JSON.parse(new TextDecoder().decode(json)), files);
  const kernel = weights.get('conv_preds/kernel');
  const bias = weights.get('conv_preds/bias');
  if (!kernel || !bias) throw new Error('conv_preds/kernel or conv_preds/bias is missing');
  const classes = bias.length;
  const inputs = kernel.length / classes;
  // Keras [1, 1, inputs, classes] to TFLite [classes, 1, 1, inputs].
  const filter = new Float32Array(kernel.length);
  for (let i = 0; i < inputs; i++) for (let c = 0; c < classes; c++) filter[c * inputs + i] = kernel[i * classes + c];
  const { q, scales } = quantizePerChannel(filter, classes, (k) => Math.floor(k / inputs));
  return {
    description,
    tensors: [
      { name: 'embedding', shape: [1, 1, 1, inputs], type: FLOAT32 },
      {
        name: 'conv_preds/kernel_int8',
        shape: [classes, 1, 1, inputs],
        type: INT8,
        data: bytesOf(q),
        quantization: { scale: scales, zeroPoint: scales.map(() => 0), quantizedDimension: 0 },
      },
      { name: 'conv_preds/kernel', shape: [classes, 1, 1, inputs], type: FLOAT32 },
      { name: 'conv_preds/bias', shape: [classes], type: FLOAT32, data: bytesOf(bias) },
      { name: 'conv_preds', shape: [1, 1, 1, classes], type: FLOAT32 },
      { name: 'logits_shape', shape: [2], type: INT32, data: bytesOf(new Int32Array([1, classes])) },
      { name: 'logits', shape: [1, classes], type: FLOAT32 },
      { name: 'probabilities', shape: [1, classes], type: FLOAT32 },
    ],
    inputs: [0],
    outputs: [7],
    operators: [
      // DEQUANTIZE of per-channel int8 is version 4 of that builtin.
      { opcode: DEQUANTIZE, version: 4, inputs: [1], outputs: [2], options: null },
      {
        opcode: CONV_2D,
        version: 1,
        inputs: [0, 2, 3],
        outputs: [4],
        options: { kind: 'conv2d', padding: 'VALID', strideW: 1, strideH: 1, activation: 0, dilationW: 1, dilationH: 1 },
      },
      { opcode: RESHAPE, version: 1, inputs: [4, 5], outputs: [6], options: { kind: 'reshape', newShape: [1, classes] } },
      { opcode: SOFTMAX, version: 1, inputs: [6], outputs: [7], options: { kind: 'softmax', beta: 1 } },
    ],
  };
}
