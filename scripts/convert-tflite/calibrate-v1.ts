/**
 * Measures the activation ranges of the float MobileNet V1 0.75 on a fixed list of real photos and writes
 * them to mobilenet_v1_calibration.json, from which the setup step builds the int8 V1 (mobilenet-v1.ts).
 * The ranges are committed, so the setup step needs no photos and always makes the same file.
 *
 *   npx tsx scripts/convert-tflite/calibrate-v1.ts [--photos-per-class N]
 *
 * Photos: the first N (sorted by name) of every class in the training splits of ../shared/datasets, never
 * their test splits, so accuracy measured there is not flattered. Each is centre-cropped, resized like
 * Pillow's bilinear (images.ts) and scaled p / 127.5 - 1, and run through LiteRT.js with every
 * convolution's output declared as an output.
 */
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { format } from 'prettier';
import { centerCropBox, decodeImage, resizePilBilinear } from './images.ts';
import { loadLiteRtInNode } from './litert-node.ts';
import { floatEmbeddingModel, foldMobilenetV1, type Calibration, type Range } from './mobilenet-v1.ts';
import { writeTflite } from './tflite-writer.ts';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const CALIBRATION_FILE = join(repoRoot, 'scripts/convert-tflite/mobilenet_v1_calibration.json');
const datasets = join(repoRoot, '../shared/datasets');
const modelDir = join(repoRoot, '../shared/models/mobilenet_v1_0.75_224');
/** Training splits whose class folders hold the calibration photos. */
const TRAIN_SPLITS = ['oxford_flowers12/train', 'hymenoptera/train', 'cats_and_dogs_filtered/train'];

export interface CalibrationFile extends Calibration {
  photos: string[];
}

/** The first `perClass` photos (by name) of each class of each training split, relative to ../shared/datasets. */
export function calibrationPhotos(perClass: number): string[] {
  return TRAIN_SPLITS.flatMap((split) =>
    readdirSync(join(datasets, split))
      .sort()
      .flatMap((label) =>
        readdirSync(join(datasets, split, label))
          .filter((f) => /\.(jpe?g|bmp)$/i.test(f))
          .sort()
          .slice(0, perClass)
          .map((f) => `${split}/${label}/${f}`),
      ),
  );
}

/** Centre crop, Pillow-style bilinear resize to `size`, then x = p * scale + offset; NHWC float32. */
export function photoInput(path: string, size: number, scale: number, offset: number): Float32Array {
  const img = decodeImage(new Uint8Array(readFileSync(path)), path);
  const pixels = resizePilBilinear(img, centerCropBox(img), size);
  return Float32Array.from(pixels, (p) => p * scale + offset);
}

function widen(range: Range, values: Float32Array): void {
  for (const v of values) {
    if (v < range.min) range.min = v;
    if (v > range.max) range.max = v;
  }
}

/** Adds each channel's values (NHWC, channels last) to `sums`. */
function addChannelSums(sums: Float64Array, values: Float32Array): void {
  for (let i = 0; i < values.length; i++) sums[i % sums.length] += values[i];
}

/** Six significant digits: plenty for int8, and a calibration file that reads and diffs well. */
const rounded = (v: number) => Number(v.toPrecision(6));

/** Ranges and channel means of every activation of the float V1 on the calibration photos. */
export async function calibrate(perClass: number): Promise<CalibrationFile> {
  const files = new Map(readdirSync(modelDir).map((f) => [f, new Uint8Array(readFileSync(join(modelDir, f)))]));
  const net = foldMobilenetV1(files);
  const litert = await loadLiteRtInNode();
  const model = await litert.loadAndCompile(writeTflite(floatEmbeddingModel(net, 'calibration', true)), { accelerator: 'wasm' });
  const names = model.getOutputDetails().map((d) => d.name);
  const photos = calibrationPhotos(perClass);
  const ranges = new Map<string, Range>(names.map((name) => [name, { min: Infinity, max: -Infinity }]));
  const shapes = new Map(model.getOutputDetails().map((d) => [d.name, Array.from(d.shape as ArrayLike<number>)]));
  const sums = new Map<string, Float64Array>([...shapes].map(([name, shape]) => [name, new Float64Array(shape[shape.length - 1])]));
  shapes.set('input', net.inputShape);
  sums.set('input', new Float64Array(net.inputShape[3]));
  for (const photo of photos) {
    const pixels = photoInput(join(datasets, photo), 224, 1 / 127.5, -1);
    addChannelSums(sums.get('input')!, pixels);
    const input = new litert.Tensor(pixels, net.inputShape);
    const outputs = await model.run(input);
    input.delete();
    outputs.forEach((output, i) => {
      const values = output.toTypedArray() as Float32Array;
      widen(ranges.get(names[i])!, values);
      addChannelSums(sums.get(names[i])!, values);
      output.delete();
    });
  }
  const channelMeans = new Map(
    [...sums].map(([name, sum]) => {
      const positions = shapes
        .get(name)!
        .slice(1, -1)
        .reduce((a, b) => a * b, 1);
      return [name, Array.from(sum, (s) => rounded(s / (positions * photos.length)))];
    }),
  );
  // The embedding is the mean of the last activation: it needs no range of its own.
  ranges.delete('embedding');
  channelMeans.delete('embedding');
  const activations = Object.fromEntries([...ranges].map(([name, { min, max }]) => [name, { min: rounded(min), max: rounded(max) }]));
  return { photos, activations, channelMeans: Object.fromEntries(channelMeans) };
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const at = process.argv.indexOf('--photos-per-class');
  const perClass = at > 0 ? Number(process.argv[at + 1]) : 6;
  const result = await calibrate(perClass);
  // Formatted as `npm run lint` expects of every committed file.
  writeFileSync(CALIBRATION_FILE, await format(JSON.stringify(result), { parser: 'json' }));
  console.log(`wrote ${CALIBRATION_FILE}: ${result.photos.length} photos, ${Object.keys(result.activations).length} activations`);
}
