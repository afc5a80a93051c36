/**
 * Writes a single-subgraph TFLite flatbuffer (tensorflow/lite/schema/schema.fbs) with the `flatbuffers`
 * package's Builder: the counterpart of tflite.ts, for the embedding models LiteRT.js runs. Field slots
 * follow the declaration order in schema.fbs, as in the reader. The same model always gives the same bytes.
 */
import { Builder } from 'flatbuffers';
import {
  OPTIONS_ADD,
  OPTIONS_CONV2D,
  OPTIONS_DEPTHWISE,
  OPTIONS_POOL2D,
  OPTIONS_REDUCER,
  OPTIONS_RESHAPE,
  OPTIONS_SOFTMAX,
  type OperatorOptions,
  type Padding,
} from './tflite.ts';

/** TFLite schema version written in Model.version. */
const SCHEMA_VERSION = 3;
/** Buffer.data is declared `force_align: 16`: constant tensors start on 16-byte boundaries. */
const BUFFER_ALIGNMENT = 16;

export interface WritableQuantization {
  scale: number[];
  zeroPoint: number[];
  quantizedDimension: number;
}

export interface WritableTensor {
  name: string;
  shape: number[];
  /** TensorType (TENSOR_TYPE_NAMES in tflite.ts). */
  type: number;
  /** Constant contents, little-endian; absent for activations, inputs and outputs. */
  data?: Uint8Array;
  quantization?: WritableQuantization;
}

export interface WritableOperator {
  /** BuiltinOperator code. */
  opcode: number;
  /** OperatorCode.version the runtime must provide for this op (e.g. 3 for per-channel int8 CONV_2D). */
  version: number;
  inputs: number[];
  outputs: number[];
  options: OperatorOptions;
}

export interface WritableModel {
  description: string;
  tensors: WritableTensor[];
  inputs: number[];
  outputs: number[];
  operators: WritableOperator[];
}

const paddingCode = (p: Padding): number => (p === 'SAME' ? 0 : 1);

/** Builds the builtin options table; returns [union type id, offset] or [0, 0] for none. */
function writeOptions(b: Builder, options: OperatorOptions): [number, number] {
  if (!options) return [0, 0];
  switch (options.kind) {
    case 'conv2d':
      b.startObject(6);
      b.addFieldInt8(0, paddingCode(options.padding), 0);
      b.addFieldInt32(1, options.strideW, 0);
      b.addFieldInt32(2, options.strideH, 0);
      b.addFieldInt8(3, options.activation, 0);
      b.addFieldInt32(4, options.dilationW, 1);
      b.addFieldInt32(5, options.dilationH, 1);
      return [OPTIONS_CONV2D, b.endObject()];
    case 'depthwise':
      b.startObject(7);
      b.addFieldInt8(0, paddingCode(options.padding), 0);
      b.addFieldInt32(1, options.strideW, 0);
      b.addFieldInt32(2, options.strideH, 0);
      b.addFieldInt32(3, options.depthMultiplier, 0);
      b.addFieldInt8(4, options.activation, 0);
      b.addFieldInt32(5, options.dilationW, 1);
      b.addFieldInt32(6, options.dilationH, 1);
      return [OPTIONS_DEPTHWISE, b.endObject()];
    case 'pool2d':
      b.startObject(6);
      b.addFieldInt8(0, paddingCode(options.padding), 0);
      b.addFieldInt32(1, options.strideW, 0);
      b.addFieldInt32(2, options.strideH, 0);
      b.addFieldInt32(3, options.filterW, 0);
      b.addFieldInt32(4, options.filterH, 0);
      b.addFieldInt8(5, options.activation, 0);
      return [OPTIONS_POOL2D, b.endObject()];
    case 'reshape': {
      const newShape = options.newShape ? int32Vector(b, options.newShape) : 0;
      b.startObject(1);
      if (newShape) b.addFieldOffset(0, newShape, 0);
      return [OPTIONS_RESHAPE, b.endObject()];
    }
    case 'softmax':
      b.startObject(1);
      b.addFieldFloat32(0, options.beta, 0);
      return [OPTIONS_SOFTMAX, b.endObject()];
    case 'add':
      b.startObject(2);
      b.addFieldInt8(0, options.activation, 0);
      return [OPTIONS_ADD, b.endObject()];
    case 'reducer':
      b.startObject(1);
      b.addFieldInt8(0, options.keepDims ? 1 : 0, 0);
      return [OPTIONS_REDUCER, b.endObject()];
  }
}

function int32Vector(b: Builder, values: number[]): number {
  b.startVector(4, values.length, 4);
  for (let i = values.length - 1; i >= 0; i--) b.addInt32(values[i]);
  return b.endVector();
}

function float32Vector(b: Builder, values: number[]): number {
  b.startVector(4, values.length, 4);
  for (let i = values.length - 1; i >= 0; i--) b.addFloat32(values[i]);
  return b.endVector();
}

function int64Vector(b: Builder, values: number[]): number {
  b.startVector(8, values.length, 8);
  for (let i = values.length - 1; i >= 0; i--) b.addInt64(BigInt(values[i]));
  return b.endVector();
}

function offsetVector(b: Builder, offsets: number[]): number {
  b.startVector(4, offsets.length, 4);
  for (let i = offsets.length - 1; i >= 0; i--) b.addOffset(offsets[i]);
  return b.endVector();
}

function alignedBytes(b: Builder, data: Uint8Array): number {
  b.startVector(1, data.length, BUFFER_ALIGNMENT);
  for (let i = data.length - 1; i >= 0; i--) b.addInt8(data[i]);
  return b.endVector();
}

function checkModel(m: WritableModel): void {
  const count = m.tensors.length;
  const inRange = (i: number) => Number.isInteger(i) && i >= 0 && i < count;
  for (const i of [...m.inputs, ...m.outputs]) if (!inRange(i)) throw new Error(`graph input/output ${i} is not a tensor`);
  m.operators.forEach((op, n) => {
    // -1 marks an optional input left out.
    for (const i of op.inputs) if (i !== -1 && !inRange(i)) throw new Error(`op #${n}: input ${i} is not a tensor`);
    for (const i of op.outputs) if (!inRange(i)) throw new Error(`op #${n}: output ${i} is not a tensor`);
  });
}

/** Serialises the model; buffer 0 is the empty sentinel, each constant tensor gets a buffer of its own. */
export function writeTflite(m: WritableModel): Uint8Array {
  checkModel(m);
  const b = new Builder(1 << 20);

  // Operator codes in order of first use.
  const codeKeys: string[] = [];
  const codeIndex = m.operators.map((op) => {
    const key = `${op.opcode}:${op.version}`;
    let index = codeKeys.indexOf(key);
    if (index < 0) index = codeKeys.push(key) - 1;
    return index;
  });
  const operatorCodes = codeKeys.map((key) => {
    const [code, version] = key.split(':').map(Number);
    b.startObject(4);
    // deprecated_builtin_code is a byte: codes above 127 live only in builtin_code.
    b.addFieldInt8(0, Math.min(code, 127), 0);
    b.addFieldInt32(2, version, 1);
    b.addFieldInt32(3, code, 0);
    return b.endObject();
  });

  const bufferData: Uint8Array[] = [new Uint8Array(0)];
  const tensorBuffer = m.tensors.map((t) => (t.data ? bufferData.push(t.data) - 1 : 0));
  const buffers = bufferData.map((data) => {
    const vector = data.length > 0 ? alignedBytes(b, data) : 0;
    b.startObject(3);
    if (vector) b.addFieldOffset(0, vector, 0);
    return b.endObject();
  });

  const tensors = m.tensors.map((t, i) => {
    const name = b.createString(t.name);
    const shape = int32Vector(b, t.shape);
    let quantization = 0;
    if (t.quantization) {
      const scale = float32Vector(b, t.quantization.scale);
      const zeroPoint = int64Vector(b, t.quantization.zeroPoint);
      b.startObject(7);
      b.addFieldOffset(2, scale, 0);
      b.addFieldOffset(3, zeroPoint, 0);
      b.addFieldInt32(6, t.quantization.quantizedDimension, 0);
      quantization = b.endObject();
    }
    b.startObject(5);
    b.addFieldOffset(0, shape, 0);
    b.addFieldInt8(1, t.type, 0);
    b.addFieldInt32(2, tensorBuffer[i], 0);
    b.addFieldOffset(3, name, 0);
    if (quantization) b.addFieldOffset(4, quantization, 0);
    return b.endObject();
  });

  const operators = m.operators.map((op, n) => {
    const inputs = int32Vector(b, op.inputs);
    const outputs = int32Vector(b, op.outputs);
    const [optionsType, options] = writeOptions(b, op.options);
    b.startObject(5);
    b.addFieldInt32(0, codeIndex[n], 0);
    b.addFieldOffset(1, inputs, 0);
    b.addFieldOffset(2, outputs, 0);
    if (optionsType) {
      b.addFieldInt8(3, optionsType, 0);
      b.addFieldOffset(4, options, 0);
    }
    return b.endObject();
  });

  const tensorsVector = offsetVector(b, tensors);
  const inputsVector = int32Vector(b, m.inputs);
  const outputsVector = int32Vector(b, m.outputs);
  const operatorsVector = offsetVector(b, operators);
  const subgraphName = b.createString('main');
  b.startObject(5);
  b.addFieldOffset(0, tensorsVector, 0);
  b.addFieldOffset(1, inputsVector, 0);
  b.addFieldOffset(2, outputsVector, 0);
  b.addFieldOffset(3, operatorsVector, 0);
  b.addFieldOffset(4, subgraphName, 0);
  const subgraph = b.endObject();

  const codesVector = offsetVector(b, operatorCodes);
  const subgraphsVector = offsetVector(b, [subgraph]);
  const description = b.createString(m.description);
  const buffersVector = offsetVector(b, buffers);
  b.startObject(8);
  b.addFieldInt32(0, SCHEMA_VERSION, 0);
  b.addFieldOffset(1, codesVector, 0);
  b.addFieldOffset(2, subgraphsVector, 0);
  b.addFieldOffset(3, description, 0);
  b.addFieldOffset(4, buffersVector, 0);
  b.finish(b.endObject(), 'TFL3');
  return b.asUint8Array().slice();
}
