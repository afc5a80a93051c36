/**
 * Test/verification helpers: decode JPEG (jpeg-js) and uncompressed BMP files to RGB, and preprocess them the
 * way the converted MobileNet expects (center crop to square, bilinear resize to 224, (x - 128) / 128).
 */
import * as tf from '@tensorflow/tfjs';
import jpeg from 'jpeg-js';

export interface RgbImage {
  width: number;
  height: number;
  /** width * height * 3 bytes, row-major, top row first. */
  data: Uint8Array;
}

/** Decodes a 24- or 32-bit uncompressed (BI_RGB, or BI_BITFIELDS with BGRA masks) Windows BMP. */
export function decodeBmp(bytes: Uint8Array): RgbImage {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 54 || bytes[0] !== 0x42 || bytes[1] !== 0x4d) throw new Error('not a BMP file');
  const dataOffset = v.getUint32(10, true);
  const headerSize = v.getUint32(14, true);
  if (headerSize < 40) throw new Error(`unsupported BMP header size ${headerSize} (OS/2 BMP?)`);
  const width = v.getInt32(18, true);
  const rawHeight = v.getInt32(22, true);
  const bpp = v.getUint16(28, true);
  const compression = v.getUint32(30, true);
  if (bpp !== 24 && bpp !== 32) throw new Error(`unsupported BMP bit depth ${bpp}`);
  if (compression === 3) {
    // BI_BITFIELDS: accept only the standard BGRA layout.
    const [r, g, b] = [v.getUint32(54, true), v.getUint32(58, true), v.getUint32(62, true)];
    if (bpp !== 32 || r !== 0x00ff0000 || g !== 0x0000ff00 || b !== 0x000000ff) {
      throw new Error('unsupported BMP bitfields layout');
    }
  } else if (compression !== 0) {
    throw new Error(`unsupported BMP compression ${compression}`);
  }
  const height = Math.abs(rawHeight);
  const bottomUp = rawHeight > 0;
  const bytesPerPixel = bpp / 8;
  const stride = Math.ceil((width * bytesPerPixel) / 4) * 4;
  if (dataOffset + stride * height > bytes.length) throw new Error('truncated BMP file');
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    const srcRow = dataOffset + (bottomUp ? height - 1 - y : y) * stride;
    for (let x = 0; x < width; x++) {
      const s = srcRow + x * bytesPerPixel;
      const d = (y * width + x) * 3;
      data[d] = bytes[s + 2];
      data[d + 1] = bytes[s + 1];
      data[d + 2] = bytes[s];
    }
  }
  return { width, height, data };
}

export function decodeJpeg(bytes: Uint8Array): RgbImage {
  const img = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: false });
  return { width: img.width, height: img.height, data: img.data };
}

export function decodeImage(bytes: Uint8Array, fileName: string): RgbImage {
  if (/\.bmp$/i.test(fileName)) return decodeBmp(bytes);
  if (/\.jpe?g$/i.test(fileName)) return decodeJpeg(bytes);
  throw new Error(`unsupported image type: ${fileName}`);
}

/** Largest centered square, offsets rounded down (same as PIL `img.crop((left, top, left + side, top + side))`). */
export function centerCropBox(img: RgbImage): { left: number; top: number; side: number } {
  const side = Math.min(img.width, img.height);
  return { side, left: Math.floor((img.width - side) / 2), top: Math.floor((img.height - side) / 2) };
}

/**
 * Bilinear resize of a crop the way Pillow's `Image.resize(size, Image.BILINEAR)` does it: a separable triangle
 * filter whose support is widened by the downscale factor (i.e. antialiased), horizontal pass first, each pass
 * rounded and clamped to uint8. Returns out x out x 3 uint8 RGB.
 */
export function resizePilBilinear(img: RgbImage, box: { left: number; top: number; side: number }, out: number): Uint8Array {
  const { left, top, side } = box;
  const scale = side / out;
  const support = Math.max(scale, 1);
  const coeffs = (offset: number) => {
    const res: { start: number; w: Float64Array }[] = [];
    for (let i = 0; i < out; i++) {
      const center = offset + (i + 0.5) * scale;
      const lo = Math.max(Math.floor(center - support + 0.5), offset);
      const hi = Math.min(Math.floor(center + support + 0.5), offset + side);
      const w = new Float64Array(hi - lo);
      let sum = 0;
      for (let x = lo; x < hi; x++) {
        const t = Math.abs((x - center + 0.5) / support);
        w[x - lo] = t < 1 ? 1 - t : 0;
        sum += w[x - lo];
      }
      for (let k = 0; k < w.length; k++) w[k] /= sum;
      res.push({ start: lo, w });
    }
    return res;
  };
  const u8 = (v: number) => Math.min(255, Math.max(0, Math.round(v)));
  const cx = coeffs(left);
  const cy = coeffs(top);
  // Horizontal pass over the rows the vertical pass will read.
  const tmp = new Uint8Array(side * out * 3);
  for (let y = 0; y < side; y++) {
    const row = (top + y) * img.width;
    for (let i = 0; i < out; i++) {
      const { start, w } = cx[i];
      for (let c = 0; c < 3; c++) {
        let s = 0;
        for (let k = 0; k < w.length; k++) s += w[k] * img.data[(row + start + k) * 3 + c];
        tmp[(y * out + i) * 3 + c] = u8(s);
      }
    }
  }
  const res = new Uint8Array(out * out * 3);
  for (let j = 0; j < out; j++) {
    const { start, w } = cy[j];
    for (let i = 0; i < out; i++) {
      for (let c = 0; c < 3; c++) {
        let s = 0;
        for (let k = 0; k < w.length; k++) s += w[k] * tmp[((start - top + k) * out + i) * 3 + c];
        res[(j * out + i) * 3 + c] = u8(s);
      }
    }
  }
  return res;
}

export type ResizeMethod = 'pil-bilinear' | 'tf-bilinear';

/**
 * Center crop to a square, resize to size x size, scale to [-1, 1): (x - 128) / 128.
 * Returns a [1, size, size, 3] float32 tensor.
 *  - 'pil-bilinear' (default): Pillow-compatible antialiased bilinear (what the reference numbers used).
 *  - 'tf-bilinear': tf.image.resizeBilinear (no antialiasing; alignCorners and halfPixelCenters off).
 */
export function preprocess(img: RgbImage, size = 224, method: ResizeMethod = 'pil-bilinear'): tf.Tensor4D {
  const box = centerCropBox(img);
  return tf.tidy(() => {
    let resized: tf.Tensor3D;
    if (method === 'pil-bilinear') {
      resized = tf.tensor3d(resizePilBilinear(img, box, size), [size, size, 3], 'int32').toFloat();
    } else {
      const full = tf.tensor3d(img.data, [img.height, img.width, 3], 'int32');
      const crop = tf.slice(full, [box.top, box.left, 0], [box.side, box.side, 3]).toFloat();
      resized = tf.image.resizeBilinear(crop, [size, size]);
    }
    return resized.sub(128).div(128).expandDims(0) as tf.Tensor4D;
  });
}
