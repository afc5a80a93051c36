/**
 * Minimal hand-written reader for the parts of the TFLite flatbuffer schema (tensorflow/lite/schema/schema.fbs)
 * that the MobileNet converter needs. Field slots follow the declaration order in schema.fbs; a field's
 * vtable offset is 4 + 2 * slot.
 */
import { ByteBuffer } from 'flatbuffers';

/** TFLite BuiltinOperator values we care about (plus a few for readable error messages). */
export const BUILTIN_OPERATOR_NAMES: Record<number, string> = {
  0: 'ADD',
  1: 'AVERAGE_POOL_2D',
  2: 'CONCATENATION',
  3: 'CONV_2D',
  4: 'DEPTHWISE_CONV_2D',
  5: 'DEPTH_TO_SPACE',
  6: 'DEQUANTIZE',
  7: 'EMBEDDING_LOOKUP',
  8: 'FLOOR',
  9: 'FULLY_CONNECTED',
  10: 'HASHTABLE_LOOKUP',
  11: 'L2_NORMALIZATION',
  12: 'L2_POOL_2D',
  13: 'LOCAL_RESPONSE_NORMALIZATION',
  14: 'LOGISTIC',
  15: 'LSH_PROJECTION',
  16: 'LSTM',
  17: 'MAX_POOL_2D',
  18: 'MUL',
  19: 'RELU',
  20: 'RELU_N1_TO_1',
  21: 'RELU6',
  22: 'RESHAPE',
  23: 'RESIZE_BILINEAR',
  24: 'RNN',
  25: 'SOFTMAX',
  26: 'SPACE_TO_DEPTH',
  27: 'SVDF',
  28: 'TANH',
  32: 'CUSTOM',
  34: 'PAD',
  39: 'TRANSPOSE',
  40: 'MEAN',
  41: 'SUB',
  42: 'DIV',
  43: 'SQUEEZE',
  49: 'STRIDED_SLICE',
  53: 'CAST',
  114: 'QUANTIZE',
  117: 'HARD_SWISH',
};

export const TENSOR_TYPE_NAMES: Record<number, string> = {
  0: 'FLOAT32',
  1: 'FLOAT16',
  2: 'INT32',
  3: 'UINT8',
  4: 'INT64',
  5: 'STRING',
  6: 'BOOL',
  7: 'INT16',
  8: 'COMPLEX64',
  9: 'INT8',
  10: 'FLOAT64',
};

export const ACTIVATION_NAMES: Record<number, string> = {
  0: 'NONE',
  1: 'RELU',
  2: 'RELU_N1_TO_1',
  3: 'RELU6',
  4: 'TANH',
  5: 'SIGN_BIT',
};

export type Padding = 'SAME' | 'VALID';

export interface Quantization {
  scale: number[];
  zeroPoint: number[];
  quantizedDimension: number;
  min: number[];
  max: number[];
}

export interface TensorInfo {
  index: number;
  name: string;
  shape: number[];
  type: number;
  buffer: number;
  quantization: Quantization | null;
}

export interface Conv2DOptions {
  kind: 'conv2d';
  padding: Padding;
  strideW: number;
  strideH: number;
  activation: number;
  dilationW: number;
  dilationH: number;
}

export interface DepthwiseConv2DOptions {
  kind: 'depthwise';
  padding: Padding;
  strideW: number;
  strideH: number;
  depthMultiplier: number;
  activation: number;
  dilationW: number;
  dilationH: number;
}

export interface Pool2DOptions {
  kind: 'pool2d';
  padding: Padding;
  strideW: number;
  strideH: number;
  filterW: number;
  filterH: number;
  activation: number;
}

export interface ReshapeOptions {
  kind: 'reshape';
  newShape: number[] | null;
}

export interface SoftmaxOptions {
  kind: 'softmax';
  beta: number;
}

export interface AddOptions {
  kind: 'add';
  activation: number;
}

export interface ReducerOptions {
  kind: 'reducer';
  keepDims: boolean;
}

export type OperatorOptions =
  Conv2DOptions | DepthwiseConv2DOptions | Pool2DOptions | ReshapeOptions | SoftmaxOptions | AddOptions | ReducerOptions | null;

export interface OperatorInfo {
  index: number;
  opcode: number;
  opName: string;
  /** OperatorCode.version: which revision of the builtin's kernel the graph needs. */
  opVersion: number;
  inputs: number[];
  outputs: number[];
  optionsType: number;
  options: OperatorOptions;
}

export interface TfliteModel {
  version: number;
  description: string;
  tensors: TensorInfo[];
  inputs: number[];
  outputs: number[];
  operators: OperatorInfo[];
  /** Raw contents of each buffer (empty Uint8Array when the buffer holds no data). */
  buffers: Uint8Array[];
  subgraphCount: number;
}

/** BuiltinOptions union type ids (schema.fbs `union BuiltinOptions`). */
export const OPTIONS_CONV2D = 1;
export const OPTIONS_DEPTHWISE = 2;
export const OPTIONS_POOL2D = 5;
export const OPTIONS_SOFTMAX = 9;
export const OPTIONS_ADD = 11;
export const OPTIONS_RESHAPE = 17;
export const OPTIONS_REDUCER = 27;

const vt = (slot: number): number => 4 + 2 * slot;

/** Thin helper around a table position. */
class Table {
  constructor(
    readonly bb: ByteBuffer,
    readonly pos: number,
  ) {}

  private off(slot: number): number {
    return this.bb.__offset(this.pos, vt(slot));
  }

  has(slot: number): boolean {
    return this.off(slot) !== 0;
  }

  int8(slot: number, dflt = 0): number {
    const o = this.off(slot);
    return o ? this.bb.readInt8(this.pos + o) : dflt;
  }

  uint8(slot: number, dflt = 0): number {
    const o = this.off(slot);
    return o ? this.bb.readUint8(this.pos + o) : dflt;
  }

  int32(slot: number, dflt = 0): number {
    const o = this.off(slot);
    return o ? this.bb.readInt32(this.pos + o) : dflt;
  }

  uint32(slot: number, dflt = 0): number {
    const o = this.off(slot);
    return o ? this.bb.readUint32(this.pos + o) : dflt;
  }

  uint64(slot: number, dflt = 0n): bigint {
    const o = this.off(slot);
    return o ? this.bb.readUint64(this.pos + o) : dflt;
  }

  float32(slot: number, dflt = 0): number {
    const o = this.off(slot);
    return o ? this.bb.readFloat32(this.pos + o) : dflt;
  }

  string(slot: number): string {
    const o = this.off(slot);
    return o ? (this.bb.__string(this.pos + o) as string) : '';
  }

  table(slot: number): Table | null {
    const o = this.off(slot);
    return o ? new Table(this.bb, this.bb.__indirect(this.pos + o)) : null;
  }

  /** Vector of tables. */
  tables(slot: number): Table[] {
    const o = this.off(slot);
    if (!o) return [];
    const start = this.bb.__vector(this.pos + o);
    const n = this.bb.__vector_len(this.pos + o);
    const out: Table[] = [];
    for (let i = 0; i < n; i++) out.push(new Table(this.bb, this.bb.__indirect(start + i * 4)));
    return out;
  }

  int32s(slot: number): number[] | null {
    const o = this.off(slot);
    if (!o) return null;
    const start = this.bb.__vector(this.pos + o);
    const n = this.bb.__vector_len(this.pos + o);
    const out: number[] = [];
    for (let i = 0; i < n; i++) out.push(this.bb.readInt32(start + i * 4));
    return out;
  }

  float32s(slot: number): number[] {
    const o = this.off(slot);
    if (!o) return [];
    const start = this.bb.__vector(this.pos + o);
    const n = this.bb.__vector_len(this.pos + o);
    const out: number[] = [];
    for (let i = 0; i < n; i++) out.push(this.bb.readFloat32(start + i * 4));
    return out;
  }

  int64s(slot: number): number[] {
    const o = this.off(slot);
    if (!o) return [];
    const start = this.bb.__vector(this.pos + o);
    const n = this.bb.__vector_len(this.pos + o);
    const out: number[] = [];
    for (let i = 0; i < n; i++) out.push(Number(this.bb.readInt64(start + i * 8)));
    return out;
  }

  /** Vector of ubyte, returned as a view into the underlying bytes (no copy). */
  bytes(slot: number): Uint8Array {
    const o = this.off(slot);
    if (!o) return new Uint8Array(0);
    const start = this.bb.__vector(this.pos + o);
    const n = this.bb.__vector_len(this.pos + o);
    return this.bb.bytes().subarray(start, start + n);
  }

  /** Union value table (the union's value slot holds an offset to the table). */
  union(slot: number): Table | null {
    const o = this.off(slot);
    return o ? new Table(this.bb, this.bb.__indirect(this.pos + o)) : null;
  }
}

function padding(v: number): Padding {
  if (v === 0) return 'SAME';
  if (v === 1) return 'VALID';
  throw new Error(`unknown TFLite padding value ${v}`);
}

function parseOptions(type: number, t: Table | null): OperatorOptions {
  if (!t) return null;
  switch (type) {
    case OPTIONS_CONV2D:
      // Conv2DOptions { padding, stride_w, stride_h, fused_activation_function, dilation_w_factor, dilation_h_factor }
      return {
        kind: 'conv2d',
        padding: padding(t.int8(0)),
        strideW: t.int32(1),
        strideH: t.int32(2),
        activation: t.int8(3),
        dilationW: t.int32(4, 1),
        dilationH: t.int32(5, 1),
      };
    case OPTIONS_DEPTHWISE:
      // DepthwiseConv2DOptions { padding, stride_w, stride_h, depth_multiplier, fused_activation_function,
      //                          dilation_w_factor, dilation_h_factor }
      return {
        kind: 'depthwise',
        padding: padding(t.int8(0)),
        strideW: t.int32(1),
        strideH: t.int32(2),
        depthMultiplier: t.int32(3),
        activation: t.int8(4),
        dilationW: t.int32(5, 1),
        dilationH: t.int32(6, 1),
      };
    case OPTIONS_POOL2D:
      // Pool2DOptions { padding, stride_w, stride_h, filter_width, filter_height, fused_activation_function }
      return {
        kind: 'pool2d',
        padding: padding(t.int8(0)),
        strideW: t.int32(1),
        strideH: t.int32(2),
        filterW: t.int32(3),
        filterH: t.int32(4),
        activation: t.int8(5),
      };
    case OPTIONS_SOFTMAX:
      // SoftmaxOptions { beta }
      return { kind: 'softmax', beta: t.float32(0) };
    case OPTIONS_ADD:
      // AddOptions { fused_activation_function, pot_scale_int16 }
      return { kind: 'add', activation: t.int8(0) };
    case OPTIONS_RESHAPE:
      // ReshapeOptions { new_shape }
      return { kind: 'reshape', newShape: t.int32s(0) };
    case OPTIONS_REDUCER:
      // ReducerOptions { keep_dims }
      return { kind: 'reducer', keepDims: t.uint8(0) !== 0 };
    default:
      return null;
  }
}

export function parseTflite(bytes: Uint8Array): TfliteModel {
  if (bytes.length < 8) throw new Error('not a TFLite file: too short');
  const ident = String.fromCharCode(bytes[4], bytes[5], bytes[6], bytes[7]);
  if (ident !== 'TFL3') throw new Error(`not a TFLite file: file identifier is "${ident}", expected "TFL3"`);
  const bb = new ByteBuffer(bytes);
  const model = new Table(bb, bb.readInt32(bb.position()) + bb.position());

  // Model { version, operator_codes, subgraphs, description, buffers, metadata_buffer, metadata, signature_defs }
  const version = model.uint32(0);
  const opcodes = model.tables(1).map((oc) => {
    // OperatorCode { deprecated_builtin_code: byte, custom_code, version, builtin_code: int }
    const deprecated = oc.int8(0);
    const builtin = oc.int32(3);
    return { code: Math.max(deprecated, builtin), version: oc.int32(2, 1) };
  });
  const subgraphs = model.tables(2);
  const description = model.string(3);
  const buffers = model.tables(4).map((b, i) => {
    // Buffer { data, offset, size } — offset/size are used by >2 GB models stored outside the flatbuffer.
    const data = b.bytes(0);
    if (data.length === 0) {
      const offset = b.uint64(1);
      const size = b.uint64(2);
      if (offset > 1n) {
        const start = Number(offset);
        const end = start + Number(size);
        if (end > bytes.length) throw new Error(`buffer ${i} points outside the file`);
        return bytes.subarray(start, end);
      }
    }
    return data;
  });
  if (subgraphs.length === 0) throw new Error('TFLite model has no subgraphs');
  const sg = subgraphs[0];

  // SubGraph { tensors, inputs, outputs, operators, name }
  const tensors: TensorInfo[] = sg.tables(0).map((t, index) => {
    // Tensor { shape, type, buffer, name, quantization, is_variable, sparsity, shape_signature, ... }
    const q = t.table(4);
    let quantization: Quantization | null = null;
    if (q) {
      // QuantizationParameters { min, max, scale, zero_point, details_type, details, quantized_dimension }
      const scale = q.float32s(2);
      if (scale.length > 0) {
        quantization = {
          min: q.float32s(0),
          max: q.float32s(1),
          scale,
          zeroPoint: q.int64s(3),
          quantizedDimension: q.int32(6),
        };
      }
    }
    return {
      index,
      name: t.string(3),
      shape: t.int32s(0) ?? [],
      type: t.int8(1),
      buffer: t.uint32(2),
      quantization,
    };
  });

  const operators: OperatorInfo[] = sg.tables(3).map((op, index) => {
    // Operator { opcode_index, inputs, outputs, builtin_options_type, builtin_options, ... }
    const opcodeIndex = op.uint32(0);
    if (opcodeIndex >= opcodes.length) throw new Error(`op #${index}: opcode_index ${opcodeIndex} out of range`);
    const { code: opcode, version: opVersion } = opcodes[opcodeIndex];
    const optionsType = op.uint8(3);
    return {
      index,
      opcode,
      opName: BUILTIN_OPERATOR_NAMES[opcode] ?? `BUILTIN_${opcode}`,
      opVersion,
      inputs: op.int32s(1) ?? [],
      outputs: op.int32s(2) ?? [],
      optionsType,
      options: parseOptions(optionsType, op.union(4)),
    };
  });

  return {
    version,
    description,
    tensors,
    inputs: sg.int32s(1) ?? [],
    outputs: sg.int32s(2) ?? [],
    operators,
    buffers,
    subgraphCount: subgraphs.length,
  };
}

/** Whether op is a MEAN over the two spatial axes of an NHWC tensor, i.e. a global average pool. */
export function isGlobalMean(m: TfliteModel, op: OperatorInfo): boolean {
  if (op.opName !== 'MEAN') return false;
  const axes = m.tensors[op.inputs[1]];
  const raw = m.buffers[axes.buffer];
  if (TENSOR_TYPE_NAMES[axes.type] !== 'INT32' || raw.length !== 8) return false;
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  return view.getInt32(0, true) === 1 && view.getInt32(4, true) === 2;
}
