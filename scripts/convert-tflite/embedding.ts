/**
 * Turns an 8-bit TFLite classifier into an embedding model LiteRT.js can run: the graph cut at its global
 * average pool, with a float32 input and a single float32 output. LiteRT.js reads only a model's declared
 * outputs and its JS tensors are float32, int32 or uint8 (never int8), hence the float ends.
 *
 *   npx tsx scripts/convert-tflite/embedding.ts <classifier.tflite> <embedding.tflite>
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { TENSOR_TYPE_NAMES, isGlobalMean, parseTflite } from './tflite.ts';
import { writeTflite, type WritableOperator, type WritableTensor } from './tflite-writer.ts';

const FLOAT32 = 0;
const QUANTIZE = 114;
const DEQUANTIZE = 6;
/** QUANTIZE with an int8 output and DEQUANTIZE of int8 are version 2 of those builtins. */
const INT8_CONVERSION_VERSION = 2;

export interface EmbeddingModel {
  tflite: Uint8Array;
  /** Real value of one input step: the model expects float32 pixels as (p - inputZeroPoint) * inputScale. */
  inputScale: number;
  inputZeroPoint: number;
  inputShape: number[];
  embeddingSize: number;
  opCounts: Record<string, number>;
}

/**
 * Cuts `bytes` (a TFLite classifier with a uint8/int8 input fed through a QUANTIZE op) at its first global
 * mean. The result takes float32 [1,H,W,3] (the real values of the original input, so the first QUANTIZE
 * reproduces the original int8 activations exactly) and gives float32 [1,C], the dequantized pooled features.
 */
export function cutAtGlobalPool(bytes: Uint8Array, description: string): EmbeddingModel {
  const m = parseTflite(bytes);
  if (m.subgraphCount !== 1 || m.inputs.length !== 1) throw new Error('expected one subgraph with one input');
  const poolAt = m.operators.findIndex((op) => isGlobalMean(m, op));
  if (poolAt < 0) throw new Error('no MEAN over axes [1, 2] (global average pool) in the graph');
  const first = m.operators[0];
  const inputIndex = m.inputs[0];
  const input = m.tensors[inputIndex];
  if (first.opcode !== QUANTIZE || first.inputs[0] !== inputIndex || !input.quantization) {
    throw new Error(`expected the graph to start with a QUANTIZE of its ${TENSOR_TYPE_NAMES[input.type]} input`);
  }
  for (const op of m.operators.slice(0, poolAt + 1)) {
    if (op.inputs.slice(op.index === 0 ? 1 : 0).includes(inputIndex)) throw new Error(`op #${op.index} reads the graph input directly`);
  }

  const kept: WritableOperator[] = m.operators.slice(0, poolAt + 1).map((op) => ({
    opcode: op.opcode,
    version: op.index === 0 ? INT8_CONVERSION_VERSION : op.opVersion,
    inputs: op.inputs,
    outputs: op.outputs,
    options: op.options,
  }));

  // Old tensor indices still used, in their original order; the float output is appended after them.
  const used = new Set<number>([inputIndex]);
  for (const op of kept) for (const i of [...op.inputs, ...op.outputs]) if (i >= 0) used.add(i);
  const order = [...used].sort((a, b) => a - b);
  const renumber = new Map(order.map((old, i) => [old, i]));
  const pooledOld = m.operators[poolAt].outputs[0];
  const pooled = m.tensors[pooledOld];
  const embeddingSize = pooled.shape[pooled.shape.length - 1];

  const tensors: WritableTensor[] = order.map((old) => {
    const t = m.tensors[old];
    if (old === inputIndex) return { name: t.name, shape: t.shape, type: FLOAT32 };
    const data = m.buffers[t.buffer];
    return {
      name: t.name,
      shape: t.shape,
      type: t.type,
      data: data.length > 0 ? data : undefined,
      quantization: t.quantization
        ? { scale: t.quantization.scale, zeroPoint: t.quantization.zeroPoint, quantizedDimension: t.quantization.quantizedDimension }
        : undefined,
    };
  });
  const embeddingIndex = tensors.push({ name: 'embedding', shape: [1, embeddingSize], type: FLOAT32 }) - 1;
  // The pooled tensor loses its 1x1 spatial dimensions (keep_dims off), so DEQUANTIZE gives [1, C] directly.
  tensors[renumber.get(pooledOld)!] = { ...tensors[renumber.get(pooledOld)!], shape: [1, embeddingSize] };
  kept[poolAt] = { ...kept[poolAt], options: { kind: 'reducer', keepDims: false } };

  const operators: WritableOperator[] = [
    ...kept.map((op) => ({
      ...op,
      inputs: op.inputs.map((i) => (i < 0 ? i : renumber.get(i)!)),
      outputs: op.outputs.map((i) => renumber.get(i)!),
    })),
    { opcode: DEQUANTIZE, version: INT8_CONVERSION_VERSION, inputs: [renumber.get(pooledOld)!], outputs: [embeddingIndex], options: null },
  ];
  const tflite = writeTflite({ description, tensors, inputs: [renumber.get(inputIndex)!], outputs: [embeddingIndex], operators });
  const opCounts: Record<string, number> = {};
  for (const op of parseTflite(tflite).operators) opCounts[op.opName] = (opCounts[op.opName] ?? 0) + 1;
  return {
    tflite,
    inputScale: input.quantization.scale[0],
    inputZeroPoint: input.quantization.zeroPoint[0] ?? 0,
    inputShape: input.shape,
    embeddingSize,
    opCounts,
  };
}

const SOFTMAX = 25;

export interface ClassifierModel {
  tflite: Uint8Array;
  /** The input: the embedding model's output, as float32 [1, 1, 1, C]. */
  inputShape: number[];
  classes: number;
  opCounts: Record<string, number>;
}

/**
 * The rest of the classifier `cutAtGlobalPool` leaves out, as a model of its own: float32 pooled features
 * [1,1,1,C] (exactly what the embedding model gives, so the QUANTIZE in front gives back the int8 pooled
 * values the full graph has there) through the original int8 layers up to the softmax (for MobileNets a
 * 1x1 conv to the logits and a reshape), then DEQUANTIZE and a float32 SOFTMAX: float32 [1, classes].
 * The softmax is float so that unlikely classes keep their order, which an int8 softmax (steps of 1/256)
 * would round away.
 */
export function classifierAfterGlobalPool(bytes: Uint8Array, description: string): ClassifierModel {
  const m = parseTflite(bytes);
  if (m.subgraphCount !== 1) throw new Error('expected one subgraph');
  const poolAt = m.operators.findIndex((op) => isGlobalMean(m, op));
  if (poolAt < 0) throw new Error('no MEAN over axes [1, 2] (global average pool) in the graph');
  const softmaxAt = m.operators.findIndex((op) => op.index > poolAt && op.opcode === SOFTMAX);
  if (softmaxAt < 0) throw new Error('no SOFTMAX after the global average pool');
  const pooledOld = m.operators[poolAt].outputs[0];
  const pooled = m.tensors[pooledOld];
  if (!pooled.quantization) throw new Error('the pooled features are not quantized');
  const logitsOld = m.operators[softmaxAt].inputs[0];
  const kept = m.operators.slice(poolAt + 1, softmaxAt);

  const used = new Set<number>([pooledOld]);
  for (const op of kept) for (const i of [...op.inputs, ...op.outputs]) if (i >= 0) used.add(i);
  const order = [...used].sort((a, b) => a - b);
  const renumber = new Map(order.map((old, i) => [old, i]));
  const tensors: WritableTensor[] = order.map((old) => {
    const t = m.tensors[old];
    const data = m.buffers[t.buffer];
    return {
      name: t.name,
      shape: t.shape,
      type: t.type,
      data: data.length > 0 ? data : undefined,
      quantization: t.quantization
        ? { scale: t.quantization.scale, zeroPoint: t.quantization.zeroPoint, quantizedDimension: t.quantization.quantizedDimension }
        : undefined,
    };
  });
  const classes = m.tensors[logitsOld].shape.at(-1)!;
  const input = tensors.push({ name: 'embedding', shape: pooled.shape, type: FLOAT32 }) - 1;
  const logits = tensors.push({ name: 'logits', shape: [1, classes], type: FLOAT32 }) - 1;
  const probabilities = tensors.push({ name: 'probabilities', shape: [1, classes], type: FLOAT32 }) - 1;
  const operators: WritableOperator[] = [
    { opcode: QUANTIZE, version: INT8_CONVERSION_VERSION, inputs: [input], outputs: [renumber.get(pooledOld)!], options: null },
    ...kept.map((op) => ({
      opcode: op.opcode,
      version: op.opVersion,
      inputs: op.inputs.map((i) => (i < 0 ? i : renumber.get(i)!)),
      outputs: op.outputs.map((i) => renumber.get(i)!),
      options: op.options,
    })),
    { opcode: DEQUANTIZE, version: INT8_CONVERSION_VERSION, inputs: [renumber.get(logitsOld)!], outputs: [logits], options: null },
    { opcode: SOFTMAX, version: 1, inputs: [logits], outputs: [probabilities], options: { kind: 'softmax', beta: 1 } },
  ];
  const tflite = writeTflite({ description, tensors, inputs: [input], outputs: [probabilities], operators });
  const opCounts: Record<string, number> = {};
  for (const op of parseTflite(tflite).operators) opCounts[op.opName] = (opCounts[op.opName] ?? 0) + 1;
  return { tflite, inputShape: pooled.shape, classes, opCounts };
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const [from, to] = process.argv.slice(2);
  if (!from || !to) {
    console.error('usage: npx tsx scripts/convert-tflite/embedding.ts <classifier.tflite> <embedding.tflite>');
    process.exit(2);
  }
  const cut = cutAtGlobalPool(new Uint8Array(readFileSync(from)), `embedding cut from ${from}`);
  writeFileSync(to, cut.tflite);
  console.log(
    `wrote ${to}: ${cut.tflite.length} bytes, input float32 [${cut.inputShape}] as (p - ${cut.inputZeroPoint}) * ${cut.inputScale}, ` +
      `output float32 [1,${cut.embeddingSize}], ops ${JSON.stringify(cut.opCounts)}`,
  );
}
