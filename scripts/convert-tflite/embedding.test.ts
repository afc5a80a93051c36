import * as tf from '@tensorflow/tfjs';
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseManifest } from '../setup/manifest.ts';
import { photoInput } from './calibrate-v1.ts';
import { EMBEDDING_LAYER_NAME, convertTflite } from './convert.ts';
import { v1FloatEmbedding, v1Int8Classifier, v1Int8Embedding, v2Int8Classifier, v2Int8Embedding } from './embedding-models.ts';
import { loadLiteRtInNode, runFloatModel } from './litert-node.ts';
import { V1_EMBEDDING_LAYER, activationQuantization, correctedBias, quantizePerChannel, type FoldedConv } from './mobilenet-v1.ts';
import { sharedPath, sharedSuite, skipShared } from './shared-data.ts';
import { TENSOR_TYPE_NAMES, parseTflite, type TfliteModel } from './tflite.ts';
import { writeTflite } from './tflite-writer.ts';
import { cosine } from '../../src/head/normalize';

const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');

describe('tflite writer', () => {
  it('writes what the reader reads back: tensors, quantization, constants, operators and options', () => {
    const weights = new Int8Array([1, -2, 3, -4, 5, -6, 7, -8]);
    const bytes = writeTflite({
      description: 'round trip',
      tensors: [
        { name: 'x', shape: [1, 2, 2, 4], type: 0 },
        {
          name: 'w',
          shape: [2, 1, 1, 4],
          type: 9,
          data: new Uint8Array(weights.buffer),
          quantization: { scale: [0.5, 0.25], zeroPoint: [0, 0], quantizedDimension: 0 },
        },
        { name: 'y', shape: [1, 2, 2, 2], type: 0 },
        { name: 'axes', shape: [2], type: 2, data: new Uint8Array(new Int32Array([1, 2]).buffer) },
        { name: 'z', shape: [1, 2], type: 0 },
      ],
      inputs: [0],
      outputs: [4],
      operators: [
        {
          opcode: 3,
          version: 3,
          inputs: [0, 1, -1],
          outputs: [2],
          options: { kind: 'conv2d', padding: 'VALID', strideW: 1, strideH: 2, activation: 3, dilationW: 1, dilationH: 1 },
        },
        { opcode: 40, version: 1, inputs: [2, 3], outputs: [4], options: { kind: 'reducer', keepDims: false } },
      ],
    });
    const m = parseTflite(bytes);
    expect(m.description).toBe('round trip');
    expect(m.tensors.map((t) => [t.name, t.shape, t.type])).toEqual([
      ['x', [1, 2, 2, 4], 0],
      ['w', [2, 1, 1, 4], 9],
      ['y', [1, 2, 2, 2], 0],
      ['axes', [2], 2],
      ['z', [1, 2], 0],
    ]);
    expect(m.tensors[1].quantization).toMatchObject({ scale: [0.5, 0.25], zeroPoint: [0, 0], quantizedDimension: 0 });
    expect(Array.from(new Int8Array(m.buffers[m.tensors[1].buffer].slice().buffer))).toEqual(Array.from(weights));
    // Buffer.data is force_align 16 in the schema.
    for (const t of m.tensors) if (m.buffers[t.buffer].length > 0) expect(m.buffers[t.buffer].byteOffset % 16).toBe(0);
    expect(m.operators.map((op) => [op.opName, op.opVersion, op.inputs, op.outputs])).toEqual([
      ['CONV_2D', 3, [0, 1, -1], [2]],
      ['MEAN', 1, [2, 3], [4]],
    ]);
    expect(m.operators[0].options).toEqual({
      kind: 'conv2d',
      padding: 'VALID',
      strideW: 1,
      strideH: 2,
      activation: 3,
      dilationW: 1,
      dilationH: 1,
    });
    expect(m.operators[1].options).toEqual({ kind: 'reducer', keepDims: false });
    expect([m.inputs, m.outputs]).toEqual([[0], [4]]);
  });

  it('refuses an operator that names a tensor the model does not have', () => {
    const model = { description: '', tensors: [{ name: 'x', shape: [1], type: 0 }], inputs: [0], outputs: [0] };
    expect(() => writeTflite({ ...model, operators: [{ opcode: 28, version: 1, inputs: [0], outputs: [1], options: null }] })).toThrow(
      'op #0: output 1',
    );
  });
});

describe('int8 quantization helpers', () => {
  it('gives activations a zero point that represents 0 exactly and a scale that spans the range', () => {
    expect(activationQuantization({ min: 0, max: 6 })).toEqual({ scale: Math.fround(6 / 255), zeroPoint: -128 });
    const { scale, zeroPoint } = activationQuantization({ min: -1, max: 3 });
    expect(scale).toBeCloseTo(4 / 255, 7);
    expect((-128 - zeroPoint) * scale).toBeCloseTo(-1, 2);
  });

  it('bias correction cancels the mean shift that weight rounding causes', () => {
    // A 1x1 convolution with 3 inputs and 2 outputs, weights chosen to round badly.
    const filter = Float32Array.from([0.3, 0.31, 1, -0.21, 0.5, -1]);
    const conv: FoldedConv = {
      name: 'c',
      kind: 'conv',
      filterShape: [2, 1, 1, 3],
      filter,
      bias: Float32Array.from([0.1, -0.2]),
      stride: 1,
      padding: 'SAME',
      relu6: false,
      outputShape: [1, 1, 1, 2],
    };
    const { q, scales } = quantizePerChannel(filter, 2, (i) => Math.floor(i / 3));
    expect(Array.from(q.slice(0, 3))).toEqual([38, 39, 127]);
    const means = [2, 3, 0.5];
    const bias = correctedBias(conv, q, scales, means);
    for (let o = 0; o < 2; o++) {
      let exact = conv.bias[o];
      let rounded = bias[o];
      for (let i = 0; i < 3; i++) {
        exact += filter[o * 3 + i] * means[i];
        rounded += q[o * 3 + i] * scales[o] * means[i];
      }
      expect(rounded).toBeCloseTo(exact, 6);
    }
  });
});

/** Every non-empty buffer belongs to a tensor and every tensor is read or written by an op or the graph. */
function expectNothingUnused(m: TfliteModel): void {
  const referenced = new Set(m.tensors.map((t) => t.buffer));
  m.buffers.forEach((b, i) => {
    if (i > 0) expect(referenced.has(i), `buffer ${i} belongs to no tensor`).toBe(true);
    if (i > 0) expect(b.length, `buffer ${i} is empty`).toBeGreaterThan(0);
  });
  const touched = new Set([...m.inputs, ...m.outputs, ...m.operators.flatMap((op) => [...op.inputs, ...op.outputs])]);
  m.tensors.forEach((t) => expect(touched.has(t.index), `tensor ${t.name} is used by nothing`).toBe(true));
}

function expectEmbeddingInterface(m: TfliteModel, embeddingSize: number): void {
  expect(m.inputs).toHaveLength(1);
  expect(m.outputs).toHaveLength(1);
  const input = m.tensors[m.inputs[0]];
  const output = m.tensors[m.outputs[0]];
  expect([input.name, TENSOR_TYPE_NAMES[input.type], input.shape]).toEqual(['input', 'FLOAT32', [1, 224, 224, 3]]);
  expect([output.name, TENSOR_TYPE_NAMES[output.type], output.shape]).toEqual(['embedding', 'FLOAT32', [1, embeddingSize]]);
  expectNothingUnused(m);
}

const opCounts = (m: TfliteModel) =>
  m.operators.reduce<Record<string, number>>((c, op) => ({ ...c, [op.opName]: (c[op.opName] ?? 0) + 1 }), {});

describe.skipIf(skipShared)(sharedSuite('embedding models for LiteRT.js (from ../shared/models)'), () => {
  const ptqPath = sharedPath('models/tflite/tf2_mobilenet_v2_1.0_224_ptq.tflite');
  const v1Dir = sharedPath('models/mobilenet_v1_0.75_224');
  const datasets = sharedPath('datasets');
  /** Photos the V1 calibration never saw: the test photos and the first of some test/validation classes. */
  const photos = [
    'photos/hot_dog.jpg',
    'photos/cat.bmp',
    ...['oxford_flowers12/test/daisy', 'hymenoptera/val/bees', 'cats_and_dogs_filtered/validation/dogs'].map(
      (dir) => `${dir}/${readdirSync(join(datasets, dir)).sort()[0]}`,
    ),
  ].map((photo) => join(datasets, photo));
  let ptq: Uint8Array;
  let v1Files: Map<string, Uint8Array>;
  let models: { dir: string; bytes: Uint8Array }[];

  beforeAll(async () => {
    ptq = new Uint8Array(readFileSync(ptqPath));
    v1Files = new Map(readdirSync(v1Dir).map((f) => [f, new Uint8Array(readFileSync(join(v1Dir, f)))]));
    models = [
      { dir: 'mobilenet_v2_1.0_224_int8', bytes: v2Int8Embedding(ptq) },
      { dir: 'mobilenet_v1_0.75_224_float', bytes: v1FloatEmbedding(v1Files) },
      { dir: 'mobilenet_v1_0.75_224_int8', bytes: v1Int8Embedding(v1Files) },
    ];
    await tf.setBackend('cpu');
    tf.env().set('PROD', true);
  }, 120_000);

  it('makes byte-identical files every time, the ones the setup manifests list', () => {
    const again = [v2Int8Embedding(ptq), v1FloatEmbedding(v1Files), v1Int8Embedding(v1Files)];
    models.forEach(({ dir, bytes }, i) => {
      expect(sha256(again[i]), dir).toBe(sha256(bytes));
      const manifest = parseManifest(readFileSync(join(import.meta.dirname, '..', 'setup', `${dir}.sha256`), 'utf8'));
      expect(manifest, dir).toEqual([{ file: 'embedding.tflite', sha256: sha256(bytes) }]);
    });
  });

  it('V2 int8 classifier: byte-identical every time, the file the setup manifest lists, float32 embedding in, 1001 probabilities out', () => {
    const bytes = v2Int8Classifier(ptq);
    expect(sha256(v2Int8Classifier(ptq))).toBe(sha256(bytes));
    const manifest = parseManifest(
      readFileSync(join(import.meta.dirname, '..', 'setup', 'mobilenet_v2_1.0_224_int8_classifier.sha256'), 'utf8'),
    );
    expect(manifest.find((entry) => entry.file === 'classifier.tflite')?.sha256).toBe(sha256(bytes));
    const m = parseTflite(bytes);
    expect(opCounts(m)).toEqual({ QUANTIZE: 1, CONV_2D: 1, RESHAPE: 1, DEQUANTIZE: 1, SOFTMAX: 1 });
    const [input, output] = [m.tensors[m.inputs[0]], m.tensors[m.outputs[0]]];
    expect([input.name, TENSOR_TYPE_NAMES[input.type], input.shape]).toEqual(['embedding', 'FLOAT32', [1, 1, 1, 1280]]);
    expect([output.name, TENSOR_TYPE_NAMES[output.type], output.shape]).toEqual(['probabilities', 'FLOAT32', [1, 1001]]);
    expectNothingUnused(m);
  });

  it('V2 int8 embedding then its classifier give what Google’s whole int8 graph gives (top-1 and probabilities within 0.01)', async () => {
    const litert = await loadLiteRtInNode();
    const embedding = await litert.loadAndCompile(models[0].bytes, { accelerator: 'wasm' });
    const classifier = await litert.loadAndCompile(v2Int8Classifier(ptq), { accelerator: 'wasm' });
    // Google's file takes the pixels as uint8 and gives uint8 probabilities in steps of 1/256.
    const whole = await litert.loadAndCompile(ptq, { accelerator: 'wasm' });
    const labels = readFileSync(sharedPath('models/tflite/imagenet_labels.txt'), 'utf8').split('\n');
    const top = (p: ArrayLike<number>) => Array.from(p).reduce((best, x, i) => (x > p[best] ? i : best), 0);
    const seen: string[] = [];
    for (const photo of photos) {
      const x = photoInput(photo, 224, 1 / 127.5, -127 / 127.5);
      const probabilities = await runFloatModel(classifier, await runFloatModel(embedding, x, [1, 224, 224, 3]), [1, 1, 1, 1280]);
      const pixels = new litert.Tensor(
        Uint8Array.from(x, (v) => Math.round(v * 127.5 + 127)),
        [1, 224, 224, 3],
      );
      const [out] = await whole.run(pixels);
      const expected = Array.from(out.toTypedArray() as Uint8Array, (q) => q / 256);
      pixels.delete();
      out.delete();
      seen.push(`${photo.split('/').pop()}: ${labels[top(probabilities)]} ${probabilities[top(probabilities)].toFixed(3)}`);
      expect(top(probabilities), photo).toBe(top(expected));
      for (let c = 0; c < expected.length; c++) expect(Math.abs(probabilities[c] - expected[c])).toBeLessThan(0.01);
    }
    console.log(`V2 int8 classifier top-1: ${seen.join('; ')}`);
    expect(seen[0]).toMatch(/^hot_dog\.jpg: hotdog/);
  }, 600_000);

  it('V1 classifier with 8-bit weights: byte-identical every time, the setup manifest’s file, and the float layer’s top guesses on real photos', async () => {
    const bytes = v1Int8Classifier(v1Files);
    expect(sha256(v1Int8Classifier(v1Files))).toBe(sha256(bytes));
    const manifest = parseManifest(
      readFileSync(join(import.meta.dirname, '..', 'setup', 'mobilenet_v1_0.75_224_classifier.sha256'), 'utf8'),
    );
    expect(manifest.find((entry) => entry.file === 'classifier.tflite')?.sha256).toBe(sha256(bytes));
    expect(bytes.length).toBeLessThan(800_000);
    const m = parseTflite(bytes);
    expect(opCounts(m)).toEqual({ DEQUANTIZE: 1, CONV_2D: 1, RESHAPE: 1, SOFTMAX: 1 });
    expectNothingUnused(m);
    // The float layer, as the TF.js files have it: kernel [768 x 1000], then the bias.
    const raw = v1Files.get('group29-shard1of1')!;
    const layer = new Float32Array(raw.slice().buffer);
    const floatProbabilities = (x: Float32Array) => {
      const logits = layer.slice(768 * 1000);
      for (let i = 0; i < 768; i++) for (let c = 0; c < 1000; c++) logits[c] += x[i] * layer[i * 1000 + c];
      const max = Math.max(...logits);
      const exp = logits.map((l) => Math.exp(l - max));
      const sum = exp.reduce((a, b) => a + b, 0);
      return exp.map((e) => e / sum);
    };
    const litert = await loadLiteRtInNode();
    const embedding = await litert.loadAndCompile(models[2].bytes, { accelerator: 'wasm' });
    const classifier = await litert.loadAndCompile(bytes, { accelerator: 'wasm' });
    const order = (p: Float32Array) => Array.from(p.keys()).sort((a, b) => p[b] - p[a]);
    let worst = 0;
    for (const photo of photos) {
      const x = await runFloatModel(embedding, photoInput(photo, 224, 1 / 127.5, -127 / 127.5), [1, 224, 224, 3]);
      const got = await runFloatModel(classifier, x, [1, 1, 1, 768]);
      const want = floatProbabilities(x);
      // The first two as the float layer's; further down, near-ties may swap (a bee photo's third guess did).
      expect(order(got).slice(0, 2), photo).toEqual(order(want).slice(0, 2));
      for (let c = 0; c < 1000; c++) worst = Math.max(worst, Math.abs(got[c] - want[c]));
    }
    console.log(
      `V1 classifier, 8-bit weights against the float layer on the same embeddings: largest probability difference ${worst.toFixed(4)}`,
    );
    expect(worst).toBeLessThan(0.02);
  }, 600_000);

  it('V2 int8: Google graph up to the pool, float32 in, one float32 [1,1280] out, no classifier left', () => {
    const m = parseTflite(models[0].bytes);
    expectEmbeddingInterface(m, 1280);
    expect(opCounts(m)).toEqual({ QUANTIZE: 1, CONV_2D: 35, DEPTHWISE_CONV_2D: 17, ADD: 10, MEAN: 1, DEQUANTIZE: 1 });
    expect(m.tensors.filter((t) => TENSOR_TYPE_NAMES[t.type] === 'INT8' && m.buffers[t.buffer].length > 0)).toHaveLength(52);
    expect(models[0].bytes.length).toBeLessThan(2_800_000);
  });

  it('V1 float and int8: 27 convolutions with ReLU6 fused, one float32 [1,768] out', () => {
    const float = parseTflite(models[1].bytes);
    const int8 = parseTflite(models[2].bytes);
    expectEmbeddingInterface(float, 768);
    expectEmbeddingInterface(int8, 768);
    expect(opCounts(float)).toEqual({ CONV_2D: 14, DEPTHWISE_CONV_2D: 13, MEAN: 1 });
    expect(opCounts(int8)).toEqual({ QUANTIZE: 1, CONV_2D: 14, DEPTHWISE_CONV_2D: 13, DEQUANTIZE: 1, MEAN: 1 });
    for (const m of [float, int8]) {
      const convs = m.operators.filter((op) => op.opName === 'CONV_2D' || op.opName === 'DEPTHWISE_CONV_2D');
      expect(convs.every((op) => op.options && 'activation' in op.options && op.options.activation === 3)).toBe(true);
    }
    const filters = int8.tensors.filter((t) => t.name.endsWith('/filter'));
    expect(filters).toHaveLength(27);
    for (const t of filters) {
      expect(TENSOR_TYPE_NAMES[t.type]).toBe('INT8');
      expect(t.quantization!.scale).toHaveLength(t.shape[t.quantization!.quantizedDimension]);
    }
    expect(models[2].bytes.length).toBeLessThan(models[1].bytes.length / 3);
  });

  it('V2 int8 in LiteRT.js matches the float re-run of the same weights in TF.js (cosine > 0.99)', async () => {
    const converted = await convertTflite(ptq);
    const full = await tf.loadLayersModel(
      tf.io.fromMemory({
        modelTopology: converted.modelJson.modelTopology,
        weightSpecs: converted.modelJson.weightsManifest[0].weights,
        weightData: converted.weightData,
      }),
    );
    const reference = tf.model({ inputs: full.inputs, outputs: full.getLayer(EMBEDDING_LAYER_NAME).output as tf.SymbolicTensor });
    const litert = await loadLiteRtInNode();
    const model = await litert.loadAndCompile(models[0].bytes, { accelerator: 'wasm' });
    const cosines: number[] = [];
    for (const photo of photos) {
      const x = photoInput(photo, 224, 1 / 127.5, -127 / 127.5);
      const expected = tf.tidy(() => (reference.predict(tf.tensor4d(x, [1, 224, 224, 3])) as tf.Tensor).dataSync() as Float32Array);
      cosines.push(cosine(await runFloatModel(model, x, [1, 224, 224, 3]), expected));
    }
    full.dispose();
    console.log(`V2 int8 (LiteRT.js) vs float re-run (TF.js), cosine per photo: ${cosines.map((c) => c.toFixed(4)).join(' ')}`);
    for (const c of cosines) expect(c).toBeGreaterThan(0.99);
  }, 600_000);

  it('V1 float in LiteRT.js matches the TF.js model, and V1 int8 stays close to it (cosine > 0.9999 and > 0.99)', async () => {
    const modelJson = JSON.parse(new TextDecoder().decode(v1Files.get('model.json')));
    const groups: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[] = modelJson.weightsManifest;
    const full = await tf.loadLayersModel(
      tf.io.fromMemory({
        modelTopology: modelJson.modelTopology,
        weightSpecs: groups.flatMap((g) => g.weights),
        weightData: tf.io.concatenateArrayBuffers(groups.flatMap((g) => g.paths.map((p) => v1Files.get(p)!.slice().buffer))),
      }),
    );
    const reference = tf.model({ inputs: full.inputs, outputs: full.getLayer(V1_EMBEDDING_LAYER).output as tf.SymbolicTensor });
    const litert = await loadLiteRtInNode();
    const float = await litert.loadAndCompile(models[1].bytes, { accelerator: 'wasm' });
    const int8 = await litert.loadAndCompile(models[2].bytes, { accelerator: 'wasm' });
    const floatCosines: number[] = [];
    const int8Cosines: number[] = [];
    for (const photo of photos) {
      const x = photoInput(photo, 224, 1 / 127.5, -1);
      const expected = tf.tidy(() => (reference.predict(tf.tensor4d(x, [1, 224, 224, 3])) as tf.Tensor).dataSync() as Float32Array);
      floatCosines.push(cosine(await runFloatModel(float, x, [1, 224, 224, 3]), expected));
      int8Cosines.push(cosine(await runFloatModel(int8, photoInput(photo, 224, 1 / 127.5, -127 / 127.5), [1, 224, 224, 3]), expected));
    }
    full.dispose();
    console.log(
      `V1 vs TF.js, cosine per photo: float ${floatCosines.map((c) => c.toFixed(6)).join(' ')}; int8 ${int8Cosines.map((c) => c.toFixed(4)).join(' ')}`,
    );
    for (const c of floatCosines) expect(c).toBeGreaterThan(0.9999);
    for (const c of int8Cosines) expect(c).toBeGreaterThan(0.99);
  }, 600_000);
});
