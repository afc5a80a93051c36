import { describe, expect, it } from 'vitest';
import { centerSquare, mirrorRgba, toModelInput } from './preprocess';

describe('centerSquare', () => {
  it('takes the middle of a landscape, a portrait and a square image', () => {
    expect(centerSquare(640, 480)).toEqual({ x: 80, y: 0, width: 480, height: 480 });
    expect(centerSquare(300, 500)).toEqual({ x: 0, y: 100, width: 300, height: 300 });
    expect(centerSquare(224, 224)).toEqual({ x: 0, y: 0, width: 224, height: 224 });
  });

  it('rounds odd margins down so the square stays inside the image', () => {
    const crop = centerSquare(5, 2);
    expect(crop).toEqual({ x: 1, y: 0, width: 2, height: 2 });
    expect(crop.x + crop.width).toBeLessThanOrEqual(5);
  });
});

describe('toModelInput', () => {
  it('maps 0..255 onto [-1, 1] channel by channel, dropping alpha', () => {
    // Two pixels: pure black opaque, and (255, 127.5-ish, 51) half transparent.
    const rgba = new Uint8ClampedArray([0, 0, 0, 255, 255, 51, 204, 128]);
    const input = toModelInput(rgba, { divisor: 127.5 });
    expect(input.length).toBe(6);
    const expected = [-1, -1, -1, 1, 51 / 127.5 - 1, 204 / 127.5 - 1];
    expected.forEach((value, i) => expect(input[i]).toBeCloseTo(value, 6));
  });

  it('uses the scaling each backbone was trained with', () => {
    const input = toModelInput(new Uint8ClampedArray([128, 0, 255, 255]), { divisor: 128 });
    expect(Array.from(input)).toEqual([0, -1, 255 / 128 - 1]);
  });

  it("writes a photo into a batch's input at its place, leaving the others as they are", () => {
    const batch = new Float32Array(9).fill(7);
    const written = toModelInput(new Uint8ClampedArray([128, 0, 255, 255]), { divisor: 128 }, batch, 3);
    expect(written).toBe(batch);
    expect(Array.from(batch)).toEqual([7, 7, 7, 0, -1, 255 / 128 - 1, 7, 7, 7]);
  });
});

describe('mirrorRgba', () => {
  it("reverses the pixels of each row, keeping each pixel's channels together", () => {
    // Two rows of three pixels; pixel p has channels (p, p + 10, p + 20, 255).
    const px = (p: number) => [p, p + 10, p + 20, 255];
    const rgba = new Uint8ClampedArray([...px(1), ...px(2), ...px(3), ...px(4), ...px(5), ...px(6)]);
    expect(Array.from(mirrorRgba(rgba, 3))).toEqual([...px(3), ...px(2), ...px(1), ...px(6), ...px(5), ...px(4)]);
    expect(mirrorRgba(mirrorRgba(rgba, 3), 3)).toEqual(rgba);
  });

  it('refuses bytes that are not whole rows', () => {
    expect(() => mirrorRgba(new Uint8ClampedArray(12), 2)).toThrow(/rows of 2 pixels/);
  });
});
