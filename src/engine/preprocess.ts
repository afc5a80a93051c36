import type { Scaling } from './backbones';

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** The largest centred square: the networks were trained on square crops of the object's middle. */
export function centerSquare(width: number, height: number): Rect {
  const side = Math.min(width, height);
  return { x: Math.floor((width - side) / 2), y: Math.floor((height - side) / 2), width: side, height: side };
}

/**
 * RGBA bytes (canvas order) to the network's RGB float input, row-major HWC, written into `out`
 * from `offset` (a batch's input takes each photo in place, without a copy). Alpha is dropped.
 */
export function toModelInput(
  rgba: Uint8ClampedArray,
  scaling: Scaling,
  out = new Float32Array((rgba.length / 4) * 3),
  offset = 0,
): Float32Array {
  const pixels = rgba.length / 4;
  // One lookup per byte value, computed as the scaling states it (v - zeroPoint) / divisor.
  const zeroPoint = scaling.zeroPoint ?? scaling.divisor;
  const table = Float32Array.from({ length: 256 }, (_, v) => (v - zeroPoint) / scaling.divisor);
  for (let i = 0, from = 0, to = offset; i < pixels; i++, from += 4, to += 3) {
    out[to] = table[rgba[from]];
    out[to + 1] = table[rgba[from + 1]];
    out[to + 2] = table[rgba[from + 2]];
  }
  return out;
}

/** The left-right mirror image of `width`-wide RGBA rows, in a new array. */
export function mirrorRgba(rgba: Uint8ClampedArray, width: number): Uint8ClampedArray {
  const rowLength = width * 4;
  if (rgba.length % rowLength !== 0) throw new Error(`${rgba.length} RGBA bytes are not rows of ${width} pixels`);
  const out = new Uint8ClampedArray(rgba.length);
  for (let row = 0; row < rgba.length; row += rowLength) {
    for (let x = 0; x < width; x++) {
      const from = row + x * 4;
      const to = row + (width - 1 - x) * 4;
      out[to] = rgba[from];
      out[to + 1] = rgba[from + 1];
      out[to + 2] = rgba[from + 2];
      out[to + 3] = rgba[from + 3];
    }
  }
  return out;
}
