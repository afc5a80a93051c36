import * as tf from '@tensorflow/tfjs';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEFAULT_SHARD_BYTES,
  EMBEDDING_LAYER_NAME,
  PREDICTIONS_LAYER_NAME,
  convKernelToKeras,
  convertTflite,
  dequantize,
  writeConverted,
  type ConvertedModel,
} from './convert.ts';
import { decodeImage, preprocess, type ResizeMethod } from './images.ts';
import { sharedPath, sharedSuite, skipShared } from './shared-data.ts';
import { writeTflite } from './tflite-writer.ts';

const MODEL = sharedPath('models/tflite/mobilenet_v2_1.0_224_quant.tflite');
const photosDir = sharedPath('datasets/photos');
const LABELS = sharedPath('models/tflite/imagenet_labels.txt');
const MODEL_SHA256 = '7aad0c74c5e3c06e5eb3c827e13304fdd68a83da6087d92ee169c24ff9fd4776';

/** Top-1 from an independent float re-implementation (Pillow bilinear resize after the center crop). */
const REFERENCE: { file: string; label: string; prob: number }[] = [
  { file: 'hot_dog.jpg', label: 'hotdog', prob: 0.973 },
  { file: 'cat.bmp', label: 'Egyptian cat', prob: 0.849 },
  { file: 'bird.bmp', label: 'chickadee', prob: 0.999 },
  { file: 'dragonfly.bmp', label: 'dragonfly', prob: 0.962 },
];

const sha256 = (data: Uint8Array): string => createHash('sha256').update(data).digest('hex');

function serveDir(dir: string): Promise<Server> {
  const server = createServer((req, res) => {
    const name = basename(decodeURIComponent((req.url ?? '/').split('?')[0]));
    try {
      const body = readFileSync(join(dir, name));
      res.writeHead(200, { 'content-type': name.endsWith('.json') ? 'application/json' : 'application/octet-stream' });
      res.end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  return new Promise((ok) => server.listen(0, '127.0.0.1', () => ok(server)));
}

describe('convert-tflite helpers', () => {
  const fakeModel = (data: Uint8Array) => ({ buffers: [new Uint8Array(0), data] }) as unknown as Parameters<typeof dequantize>[0];

  it('dequantizes per-tensor uint8 and int32 biases', () => {
    const u8 = dequantize(
      fakeModel(new Uint8Array([0, 128, 255])),
      {
        index: 0,
        name: 'w',
        shape: [3],
        type: 3,
        buffer: 1,
        quantization: { scale: [0.5], zeroPoint: [128], quantizedDimension: 0, min: [], max: [] },
      },
      'test',
    );
    expect(Array.from(u8)).toEqual([-64, 0, 63.5]);
    const i32 = dequantize(
      fakeModel(new Uint8Array(new Int32Array([-4, 6]).buffer)),
      {
        index: 0,
        name: 'b',
        shape: [2],
        type: 2,
        buffer: 1,
        quantization: { scale: [0.25], zeroPoint: [0], quantizedDimension: 0, min: [], max: [] },
      },
      'test',
    );
    expect(Array.from(i32)).toEqual([-1, 1.5]);
  });

  it('dequantizes per-channel int8 along quantized_dimension', () => {
    // shape [2, 3], channel = dimension 0
    const w = dequantize(
      fakeModel(new Uint8Array(new Int8Array([1, 2, 3, -1, -2, -3]).buffer)),
      {
        index: 0,
        name: 'w',
        shape: [2, 3],
        type: 9,
        buffer: 1,
        quantization: { scale: [1, 0.5], zeroPoint: [0, 1], quantizedDimension: 0, min: [], max: [] },
      },
      'test',
    );
    expect(Array.from(w)).toEqual([1, 2, 3, -1, -1.5, -2]);
  });

  it('rejects files that are not TFLite and operators it does not convert, naming them', async () => {
    await expect(convertTflite(new Uint8Array(16))).rejects.toThrow(/not a TFLite file/);
    const tanh = writeTflite({
      description: 'one TANH',
      tensors: [
        { name: 'x', shape: [1, 4, 4, 3], type: 0 },
        { name: 'y', shape: [1, 4, 4, 3], type: 0 },
      ],
      inputs: [0],
      outputs: [1],
      operators: [{ opcode: 28, version: 1, inputs: [0], outputs: [1], options: null }],
    });
    await expect(convertTflite(tanh)).rejects.toThrow('unsupported TFLite operator TANH at op #0');
  });

  it('transposes a TFLite [O,kh,kw,I] filter to Keras [kh,kw,I,O]', () => {
    const [o, kh, kw, ci] = [2, 2, 1, 3];
    const src = Float32Array.from({ length: o * kh * kw * ci }, (_, i) => i);
    const dst = convKernelToKeras(src, [o, kh, kw, ci]);
    for (let a = 0; a < o; a++)
      for (let y = 0; y < kh; y++)
        for (let x = 0; x < kw; x++)
          for (let c = 0; c < ci; c++) {
            expect(dst[((y * kw + x) * ci + c) * o + a]).toBe(src[((a * kh + y) * kw + x) * ci + c]);
          }
  });
});

describe.skipIf(skipShared)(sharedSuite('convert-tflite: MobileNet V2 1.0 224 quant -> TF.js layers'), () => {
  let bytes: Uint8Array;
  let converted: ConvertedModel;
  let outDir: string;
  let server: Server;
  let model: tf.LayersModel;
  let labels: string[];
  const top1 = new Map<ResizeMethod, { label: string; prob: number }[]>();

  beforeAll(async () => {
    await tf.setBackend('cpu');
    bytes = new Uint8Array(readFileSync(MODEL));
    labels = readFileSync(LABELS, 'utf8')
      .split('\n')
      .map((l) => l.trim());
    converted = await convertTflite(bytes);
    outDir = mkdtempSync(join(tmpdir(), 'convert-tflite-'));
    writeConverted(outDir, converted);
    server = await serveDir(outDir);
    const { port } = server.address() as AddressInfo;
    // Load exactly as the browser would: model.json + shards over HTTP.
    model = await tf.loadLayersModel(`http://127.0.0.1:${port}/model.json`);
  }, 120_000);

  afterAll(() => {
    model?.dispose();
    server?.close();
    if (outDir) rmSync(outDir, { recursive: true, force: true });
  });

  async function predictTop1(method: ResizeMethod): Promise<{ label: string; prob: number }[]> {
    const cached = top1.get(method);
    if (cached) return cached;
    const batch = tf.tidy(() =>
      tf.concat(
        REFERENCE.map(({ file }) => preprocess(decodeImage(new Uint8Array(readFileSync(join(photosDir, file))), file), 224, method)),
      ),
    );
    const probs = model.predict(batch) as tf.Tensor2D;
    const rows = (await probs.array()) as number[][];
    tf.dispose([batch, probs]);
    const result = rows.map((row) => {
      let best = 0;
      for (let i = 1; i < row.length; i++) if (row[i] > row[best]) best = i;
      return { label: labels[best].split(',')[0].trim(), prob: row[best] };
    });
    top1.set(method, result);
    return result;
  }

  it('reads the expected TFLite file', () => {
    expect(sha256(bytes)).toBe(MODEL_SHA256);
  });

  it('is deterministic: a second conversion gives byte-identical files', async () => {
    const again = await convertTflite(new Uint8Array(readFileSync(MODEL)));
    const hashes = (c: ConvertedModel) => c.files.map((f) => `${f.name} ${sha256(f.data)}`);
    expect(hashes(again)).toEqual(hashes(converted));
    expect(sha256(new Uint8Array(again.weightData))).toBe(sha256(new Uint8Array(converted.weightData)));
  });

  it('writes float32 shards of at most 4 MiB and a loadable layers model', () => {
    const [json, ...shards] = converted.files;
    expect(json.name).toBe('model.json');
    expect(shards.length).toBeGreaterThan(1);
    for (const s of shards) expect(s.data.byteLength).toBeLessThanOrEqual(DEFAULT_SHARD_BYTES);
    expect(shards.reduce((n, s) => n + s.data.byteLength, 0)).toBe(converted.weightData.byteLength);
    const manifest = converted.modelJson.weightsManifest;
    expect(manifest).toHaveLength(1);
    expect(manifest[0].paths).toEqual(shards.map((s) => s.name));
    expect(manifest[0].weights.every((w) => w.dtype === 'float32')).toBe(true);
    expect(converted.modelJson.format).toBe('layers-model');
    expect(converted.info.opCounts).toEqual({
      CONV_2D: 36,
      DEPTHWISE_CONV_2D: 17,
      ADD: 10,
      AVERAGE_POOL_2D: 1,
      RESHAPE: 1,
      SOFTMAX: 1,
    });
    expect(model.inputs[0].shape).toEqual([null, 224, 224, 3]);
    expect(model.outputs[0].shape).toEqual([null, 1001]);
    expect(model.layers[model.layers.length - 1].name).toBe(PREDICTIONS_LAYER_NAME);
  });

  it(`exposes the 1280-d embedding as layer "${EMBEDDING_LAYER_NAME}"`, () => {
    const layer = model.getLayer(EMBEDDING_LAYER_NAME);
    expect(layer.getClassName()).toBe('GlobalAveragePooling2D');
    const embedder = tf.model({ inputs: model.inputs, outputs: layer.output as tf.SymbolicTensor });
    expect(embedder.outputs[0].shape).toEqual([null, 1280]);
  });

  it('matches the reference top-1 predictions within 0.02', async () => {
    const got = await predictTop1('pil-bilinear');
    console.log(
      'top-1 (Pillow-style bilinear):\n' +
        REFERENCE.map((r, i) => `  ${r.file}: "${got[i].label}" ${got[i].prob.toFixed(4)} (reference "${r.label}" ${r.prob})`).join('\n'),
    );
    REFERENCE.forEach((r, i) => {
      expect(got[i].label, r.file).toBe(r.label);
      expect(Math.abs(got[i].prob - r.prob), `${r.file}: ${got[i].prob} vs ${r.prob}`).toBeLessThanOrEqual(0.02);
    });
  }, 120_000);

  it('keeps the same top-1 labels with tf.image.resizeBilinear (no antialiasing)', async () => {
    const got = await predictTop1('tf-bilinear');
    console.log(
      'top-1 (tf.image.resizeBilinear):\n' +
        REFERENCE.map((r, i) => `  ${r.file}: "${got[i].label}" ${got[i].prob.toFixed(4)} (reference ${r.prob})`).join('\n'),
    );
    REFERENCE.forEach((r, i) => expect(got[i].label, r.file).toBe(r.label));
  }, 120_000);
});
